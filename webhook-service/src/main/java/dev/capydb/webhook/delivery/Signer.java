package dev.capydb.webhook.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Standard Webhooks signatures: {@code v1,} + base64 HMAC-SHA256 of {@code id.timestamp.body} keyed by the secret. */
public final class Signer {

    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Signer() {}

    /** A new endpoint secret: {@code whsec_} + base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** One {@code v1,<signature>} for one secret. */
    public static String sign(String secret, String messageId, long timestampSeconds, String body) {
        String b64 = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(b64), "HmacSHA256"));
            byte[] sig =
                    mac.doFinal((messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** The {@code webhook-signature} header: one space-separated signature per valid secret (rotation grace). */
    public static String header(List<String> secrets, String messageId, long timestampSeconds, String body) {
        return secrets.stream()
                .map(s -> sign(s, messageId, timestampSeconds, body))
                .collect(Collectors.joining(" "));
    }

    /** Whether any signature in the header matches: what a receiver does (used by tests and the e2e receiver). */
    public static boolean verify(String secret, String messageId, long timestampSeconds, String body, String header) {
        String expected = sign(secret, messageId, timestampSeconds, body);
        for (String candidate : header.split(" ")) {
            if (MessageDigest.isEqual(
                    candidate.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }
}
