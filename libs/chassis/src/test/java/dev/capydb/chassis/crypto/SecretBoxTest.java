package dev.capydb.chassis.crypto;

import static dev.capydb.chassis.crypto.TestSecrets.K0;
import static dev.capydb.chassis.crypto.TestSecrets.K1;
import static dev.capydb.chassis.crypto.TestSecrets.K2;
import static dev.capydb.chassis.crypto.TestSecrets.box;
import static dev.capydb.chassis.crypto.TestSecrets.withLegacy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * AES-GCM sealing bound to a row: round trip, fresh IV each time, a value moved to another row or column refused,
 * key ids (unknown ones refused by name, rotation), and values sealed before ({@code v1}) still opening.
 */
class SecretBoxTest {

    private static final SealedColumn PASSWORD = new SealedColumn("project", "id", "password_sealed");
    private static final SealedColumn OTHER = new SealedColumn("project", "id", "other_sealed");
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();

    @Test
    void sealsUnderTheActiveKeyAndOpensForTheSameRow() {
        SecretBox box = box("k1", Map.of("k1", K1));
        String sealed = box.seal("hunter2-password", PASSWORD.aad(a));
        assertTrue(sealed.startsWith("v2:k1:"), sealed);
        assertFalse(sealed.contains("hunter2"));
        assertNotEquals(sealed, box.seal("hunter2-password", PASSWORD.aad(a)), "a fresh IV every time");
        assertEquals("hunter2-password", box.open(sealed, PASSWORD.aad(a)));
        assertEquals("project.password_sealed:" + a, PASSWORD.aad(a).toString());

        String tampered = sealed.substring(0, sealed.length() - 3) + (sealed.endsWith("A==") ? "B==" : "A==");
        assertThrows(SecretUnreadableException.class, () -> box.open(tampered, PASSWORD.aad(a)));
        assertThrows(SecretUnreadableException.class, () -> box.open("v2:k1:not base64!", PASSWORD.aad(a)));
        assertThrows(SecretUnreadableException.class, () -> box.open("plain text", PASSWORD.aad(a)));
        assertThrows(SecretUnreadableException.class, () -> box.open(null, PASSWORD.aad(a)));
    }

    @Test
    void aValueMovedToAnotherRowDoesNotOpen() {
        SecretBox box = box("k1", Map.of("k1", K1));
        String sealedForA = box.seal("a's password", PASSWORD.aad(a));
        SecretUnreadableException e =
                assertThrows(SecretUnreadableException.class, () -> box.open(sealedForA, PASSWORD.aad(b)));
        assertTrue(e.getMessage().contains("project.password_sealed:" + b), e.getMessage());
        assertTrue(e.getMessage().contains("another row or column"), e.getMessage());
        assertFalse(e.getMessage().contains("a's password"));
    }

    @Test
    void aValueMovedToAnotherColumnOfItsRowDoesNotOpen() {
        SecretBox box = box("k1", Map.of("k1", K1));
        String sealed = box.seal("secret", PASSWORD.aad(a));
        SecretUnreadableException e =
                assertThrows(SecretUnreadableException.class, () -> box.open(sealed, OTHER.aad(a)));
        assertTrue(e.getMessage().contains("project.other_sealed:" + a), e.getMessage());
    }

    @Test
    void valuesSealedBeforeOpenWithTheSingleKeyOfBefore() {
        String v1 = TestSecrets.v1(K0, "old-password");
        // k0 is the legacy key whatever key is active; v1 values carry no row, so any row's AAD opens them.
        assertEquals("old-password", withLegacy("k1", Map.of("k1", K1), K0).open(v1, PASSWORD.aad(a)));
        assertEquals("old-password", box("k1", Map.of("k1", K1, "k0", K0)).open(v1, PASSWORD.aad(a)));
        SecretUnreadableException missing = assertThrows(
                SecretUnreadableException.class,
                () -> box("k1", Map.of("k1", K1)).open(v1, PASSWORD.aad(a)));
        assertTrue(missing.getMessage().contains("capydb.secrets.key"), missing.getMessage());
        assertThrows(
                SecretUnreadableException.class,
                () -> withLegacy("k1", Map.of("k1", K1), K2).open(v1, PASSWORD.aad(a)));
    }

    @Test
    void theSingleKeyOfBeforeAloneStillSealsAsKeyK0() {
        SecretBox box = withLegacy(KeyRing.LEGACY_ID, Map.of(), K0);
        String sealed = box.seal("x", PASSWORD.aad(a));
        assertTrue(sealed.startsWith("v2:k0:"), sealed);
        assertEquals("x", box.open(sealed, PASSWORD.aad(a)));
    }

    @Test
    void aValueUnderAKeyIdNotConfiguredIsRefusedNamingTheId() {
        String sealed = box("k1", Map.of("k1", K1)).seal("x", PASSWORD.aad(a));
        SecretUnreadableException e = assertThrows(
                SecretUnreadableException.class,
                () -> box("k2", Map.of("k2", K2)).open(sealed, PASSWORD.aad(a)));
        assertTrue(e.getMessage().contains("'k1'"), e.getMessage());
        assertTrue(e.getMessage().contains("capydb.secrets.keys.k1"), e.getMessage());
    }

    @Test
    void rotationSealsAgainUnderTheNewActiveKey() {
        String underK1 = box("k1", Map.of("k1", K1)).seal("rotate-me", PASSWORD.aad(a));
        SecretBox both = box("k2", Map.of("k1", K1, "k2", K2));
        assertEquals("rotate-me", both.open(underK1, PASSWORD.aad(a)), "the old key still opens during rotation");
        String underK2 = both.reseal(underK1, PASSWORD.aad(a));
        assertTrue(underK2.startsWith("v2:k2:"), underK2);
        assertEquals("v2:k2:", both.currentPrefix());
        // Once every value is under k2, k1 can go.
        assertEquals("rotate-me", box("k2", Map.of("k2", K2)).open(underK2, PASSWORD.aad(a)));
        assertThrows(
                SecretUnreadableException.class,
                () -> both.reseal(underK1, PASSWORD.aad(b)),
                "a moved value is not laundered by re-sealing it for its new row");
    }

    @Test
    void misconfigurationIsNamed() {
        assertThrows(IllegalArgumentException.class, () -> box("k1", Map.of("k1", "c2hvcnQ=")));
        assertThrows(IllegalArgumentException.class, () -> box("k1", Map.of("K_1", K1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> withLegacy("k0", Map.of("k0", K1), K0),
                "capydb.secrets.key and capydb.secrets.keys.k0 must not disagree");
        IllegalStateException noKey = assertThrows(
                IllegalStateException.class, () -> box("k3", Map.of("k1", K1)).seal("x", PASSWORD.aad(a)));
        assertTrue(noKey.getMessage().contains("capydb.secrets.keys.k3"), noKey.getMessage());
        assertThrows(NullPointerException.class, () -> PASSWORD.aad(null), "a row's id comes before sealing");
        assertThrows(IllegalArgumentException.class, () -> new SealedColumn("project; drop", "id", "x"));
    }
}
