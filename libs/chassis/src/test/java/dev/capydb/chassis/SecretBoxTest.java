package dev.capydb.chassis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capydb.chassis.crypto.SecretBox;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** AES-GCM sealing: round trip, fresh IV each time, tampering and a wrong key detected. */
class SecretBoxTest {

    private static SecretBox box(String key) {
        return new SecretBox(() -> Optional.ofNullable(key));
    }

    @Test
    void sealsAndOpens() {
        SecretBox box = box("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
        String a = box.seal("hunter2-password");
        assertNotEquals(a, box.seal("hunter2-password"));
        assertEquals("hunter2-password", box.open(a));
        String tampered = a.substring(0, a.length() - 3) + (a.endsWith("A==") ? "B==" : "A==");
        assertThrows(IllegalStateException.class, () -> box.open(tampered));
        assertThrows(IllegalStateException.class,
                () -> box("ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=").open(a));
        assertThrows(IllegalStateException.class, () -> box(null).seal("x"));
        assertThrows(IllegalArgumentException.class, () -> box("c2hvcnQ="));
    }
}
