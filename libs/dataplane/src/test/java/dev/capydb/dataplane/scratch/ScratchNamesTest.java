package dev.capydb.dataplane.scratch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Scratch names round-trip to their job's id, and nothing else is taken for one. */
class ScratchNamesTest {

    private final ScratchNames names = new ScratchNames("rs_");

    @Test
    void aNameRoundTripsToItsJob() {
        UUID id = UUID.randomUUID();
        String name = names.name(id);
        assertEquals("rs_" + id.toString().replace("-", ""), name);
        assertEquals(Optional.of(id), names.idOf(name));
        UUID edge = new UUID(-1L, 0x00000000000000ffL);
        assertEquals(Optional.of(edge), names.idOf(names.name(edge)));
    }

    @Test
    void onlyThePrefixAndExactly32LowerCaseHexDigitsAreAJobsName() {
        String hex = UUID.randomUUID().toString().replace("-", "");
        assertTrue(names.idOf("rs_" + hex.substring(1)).isEmpty(), "too short");
        assertTrue(names.idOf("rs_" + hex + "0").isEmpty(), "too long");
        assertTrue(names.idOf("rs_" + "0123456789ABCDEF".repeat(2)).isEmpty(), "upper case");
        assertTrue(names.idOf("rs_" + hex.substring(4) + "wxyz").isEmpty(), "not hex");
        assertTrue(names.idOf("im_" + hex).isEmpty(), "another prefix");
        assertTrue(names.idOf("rsx" + hex).isEmpty(), "the underscore is no wildcard");
        assertTrue(names.idOf(null).isEmpty());
    }

    @Test
    void theLikePatternEscapesTheUnderscore() {
        assertEquals("rs\\_%", names.likePattern());
        assertEquals("verify\\_%", new ScratchNames("verify_").likePattern());
    }

    @Test
    void aPrefixMustBeASafeLowerCaseNameEndingInAnUnderscore() {
        assertThrows(IllegalArgumentException.class, () -> new ScratchNames("rs"));
        assertThrows(IllegalArgumentException.class, () -> new ScratchNames("RS_"));
        assertThrows(IllegalArgumentException.class, () -> new ScratchNames("r%_"));
        assertThrows(IllegalArgumentException.class, () -> new ScratchNames(null));
    }
}
