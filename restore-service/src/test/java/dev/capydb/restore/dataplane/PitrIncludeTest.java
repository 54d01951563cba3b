package dev.capydb.restore.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.dataplane.pgbackrest.BackupSet;
import dev.capydb.dataplane.pgbackrest.BackupType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which databases of a backup set a point-in-time restore copies: the project's and in-flight scratch databases. */
class PitrIncludeTest {

    private static final String RS = "rs_" + "0123456789abcdef".repeat(2);
    private static final String IM = "im_" + "fedcba9876543210".repeat(2);

    private static BackupSet setOf(List<String> databases) {
        return new BackupSet("20261207-110602F", BackupType.FULL, null, Instant.EPOCH, Instant.EPOCH, "0/1", "0/2", 1, 1,
                databases);
    }

    @Test
    void theProjectsDatabaseAndScratchDatabasesThatMayBeSwappedInUnderItsName() {
        BackupSet set = setOf(List.of(IM, "postgres", "prj_a", "prj_b", "prj_b_old_1234abcd", RS, "rs_elsewhere"));
        assertEquals(List.of(IM, "prj_b", RS), PitrRecovery.include(set, "prj_b"));
    }

    @Test
    void aProjectNewerThanTheSetIncludesNothingOfItsOwn() {
        assertEquals(List.of(), PitrRecovery.include(setOf(List.of("postgres", "prj_a")), "prj_new"));
    }
}
