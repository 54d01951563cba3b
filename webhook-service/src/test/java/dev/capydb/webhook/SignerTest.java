package dev.capydb.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.webhook.delivery.Signer;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Standard Webhooks signing: the specification's published test vector, secrets, rotation headers. */
class SignerTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330L;
    private static final String BODY = "{\"test\": 2432232314}";

    @Test
    void reproducesThePublishedTestVector() {
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", Signer.sign(SECRET, ID, TIMESTAMP, BODY));
        assertTrue(Signer.verify(SECRET, ID, TIMESTAMP, BODY, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
    }

    @Test
    void anyChangeBreaksTheSignature() {
        String good = Signer.sign(SECRET, ID, TIMESTAMP, BODY);
        assertFalse(Signer.verify(SECRET, ID, TIMESTAMP + 1, BODY, good));
        assertFalse(Signer.verify(SECRET, "msg_other", TIMESTAMP, BODY, good));
        assertFalse(Signer.verify(SECRET, ID, TIMESTAMP, "{\"test\": 2432232315}", good));
        assertFalse(Signer.verify(Signer.newSecret(), ID, TIMESTAMP, BODY, good));
    }

    @Test
    void secretsAreWhsecAndThirtyTwoRandomBytes() {
        String a = Signer.newSecret();
        assertTrue(a.startsWith("whsec_"));
        assertEquals(32, Base64.getDecoder().decode(a.substring(6)).length);
        assertNotEquals(a, Signer.newSecret());
    }

    @Test
    void duringRotationBothSecretsSign() {
        String next = Signer.newSecret();
        String header = Signer.header(List.of(next, SECRET), ID, TIMESTAMP, BODY);
        assertEquals(2, header.split(" ").length);
        assertTrue(Signer.verify(SECRET, ID, TIMESTAMP, BODY, header), "receivers on the old secret keep working");
        assertTrue(Signer.verify(next, ID, TIMESTAMP, BODY, header), "receivers on the new secret work");
    }
}
