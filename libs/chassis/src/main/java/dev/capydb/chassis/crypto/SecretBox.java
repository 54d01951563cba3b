package dev.capydb.chassis.crypto;

import io.smallrye.config.ConfigMapping;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (database passwords, integration tokens) with AES-256-GCM under a key from
 * configuration ({@code capydb.secrets.key}, base64 of 32 bytes; a k8s Secret in production).
 */
@ApplicationScoped
public class SecretBox {

    private static final String PREFIX = "v1:";
    private static final int IV_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where the key comes from. */
    @ConfigMapping(prefix = "capydb.secrets")
    public interface SecretsConfig {
        /** Base64 of a 32-byte AES key. */
        Optional<String> key();
    }

    private final Optional<SecretKeySpec> key;

    public SecretBox(SecretsConfig config) {
        this.key = config.key().filter(k -> !k.isBlank()).map(SecretBox::parseKey);
    }

    private static SecretKeySpec parseKey(String base64) {
        byte[] raw = Base64.getDecoder().decode(base64.trim());
        if (raw.length != 32) {
            throw new IllegalArgumentException("capydb.secrets.key must be base64 of 32 bytes, got " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }

    public String seal(String plaintext) {
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key(), new GCMParameterSpec(128, iv));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a secret", e);
        }
    }

    public String open(String sealed) {
        if (!sealed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a sealed secret");
        }
        try {
            byte[] in = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key(), new GCMParameterSpec(128, in, 0, IV_BYTES));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt a secret (wrong key or tampered value)", e);
        }
    }

    private SecretKeySpec key() {
        return key.orElseThrow(() -> new IllegalStateException("capydb.secrets.key is not configured"));
    }
}
