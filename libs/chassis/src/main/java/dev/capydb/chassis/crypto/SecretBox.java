package dev.capydb.chassis.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets at rest (database passwords, integration tokens) with AES-256-GCM under the service's active key,
 * bound to their row ({@link Aad}): {@code v2:<key id>:<base64(iv ‖ ciphertext)>}. Still opens {@code v1:} values,
 * sealed under the single key of before without associated data, until {@link Reseal} has replaced them.
 */
@ApplicationScoped
public class SecretBox {

    private static final String V1 = "v1:";
    private static final String V2 = "v2:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyRing ring;

    public SecretBox(SecretsConfig config) {
        this.ring = KeyRing.of(config);
    }

    public String seal(String plaintext, Aad aad) {
        String id = ring.activeId();
        SecretKeySpec key = ring.key(id)
                .orElseThrow(() -> new IllegalStateException("no secrets key '" + id
                        + "' to seal with (capydb.secrets.active-key): set capydb.secrets.keys." + id
                        + (id.equals(KeyRing.LEGACY_ID) ? " or capydb.secrets.key" : "")));
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad.bytes());
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return V2 + id + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a secret", e);
        }
    }

    /** The plaintext of {@code sealed}, which must have been sealed for {@code aad}'s row and column. */
    public String open(String sealed, Aad aad) {
        if (sealed == null) {
            throw new SecretUnreadableException(aad + " holds no sealed value");
        }
        int end = sealed.indexOf(':', V2.length());
        if (sealed.startsWith(V2) && end > 0) {
            String id = sealed.substring(V2.length(), end);
            SecretKeySpec key = ring.key(id)
                    .orElseThrow(() -> new SecretUnreadableException(aad + " was sealed under key '" + id
                            + "', which is not configured (capydb.secrets.keys." + id + ")"));
            return decrypt(
                    key,
                    sealed.substring(end + 1),
                    aad,
                    aad + " does not open under key " + id
                            + ": it was sealed for another row or column, or under another key of that id, or it was altered");
        }
        if (sealed.startsWith(V1)) {
            // v1 values were sealed under the single shared key and bound to nothing.
            SecretKeySpec key = ring.key(KeyRing.LEGACY_ID)
                    .orElseThrow(() -> new SecretUnreadableException(aad
                            + " is a v1 value, sealed under the single key of before, which is not configured"
                            + " (capydb.secrets.key)"));
            return decrypt(
                    key,
                    sealed.substring(V1.length()),
                    null,
                    aad + " is a v1 value that does not open under" + " key " + KeyRing.LEGACY_ID
                            + " (capydb.secrets.key): another key, or it was altered");
        }
        throw new SecretUnreadableException(aad + " is not a sealed value");
    }

    /** How every value sealed under the active key begins: what {@link Reseal} leaves alone. */
    public String currentPrefix() {
        return V2 + ring.activeId() + ":";
    }

    /** {@code sealed} sealed again under the active key for the same row; refused as {@link #open} refuses it. */
    public String reseal(String sealed, Aad aad) {
        return seal(open(sealed, aad), aad);
    }

    private static String decrypt(SecretKeySpec key, String base64, Aad aad, String failure) {
        try {
            byte[] in = Base64.getDecoder().decode(base64);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            if (aad != null) {
                cipher.updateAAD(aad.bytes());
            }
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SecretUnreadableException(failure, e);
        }
    }
}
