package dev.capydb.chassis.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** Sealing keys as a test sets them, and values sealed the way they were before key ids and row binding ({@code v1}). */
record TestSecrets(Map<String, String> keys, String activeKey, Optional<String> key) implements SecretsConfig {

    /** Throwaway keys, base64 of 32 ASCII bytes. */
    static final String K0 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    static final String K1 = "Y2hhc3Npcy10ZXN0LWtleS1ub3QtYS1zZWNyZXQwMDA=";
    static final String K2 = "cm90YXRlLXRlc3Qta2V5LW5vdC1hLXNlY3JldDAwMDA=";

    static SecretBox box(String activeKey, Map<String, String> keys) {
        return new SecretBox(new TestSecrets(keys, activeKey, Optional.empty()));
    }

    static SecretBox withLegacy(String activeKey, Map<String, String> keys, String legacy) {
        return new SecretBox(new TestSecrets(keys, activeKey, Optional.of(legacy)));
    }

    /** {@code v1:} + base64(iv ‖ ciphertext) under {@code base64Key}, no associated data: how values were sealed before. */
    static String v1(String base64Key, String plaintext) {
        try {
            byte[] iv = new byte[12];
            new SecureRandom().nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.ENCRYPT_MODE,
                    new SecretKeySpec(Base64.getDecoder().decode(base64Key), "AES"),
                    new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return "v1:" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
