package dev.capydb.chassis.crypto;

import static dev.capydb.chassis.crypto.TestSecrets.K0;
import static dev.capydb.chassis.crypto.TestSecrets.K1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The environment variables dev/stack and the k8s Secrets set reach the keys' map under the ids they name. */
class SecretsConfigTest {

    private static SecretsConfig config(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(env, 300))
                // What each sealing service's application.properties says.
                .withSources(new PropertiesConfigSource(
                        Map.of("capydb.secrets.key", "${CAPYDB_SECRETS_KEY:}"), "application.properties", 250))
                .withMapping(SecretsConfig.class)
                .build();
        return config.getConfigMapping(SecretsConfig.class);
    }

    @Test
    void aServicesOwnKeyAndTheSharedOneOfBefore() {
        SecretsConfig c = config(Map.of(
                "CAPYDB_SECRETS_KEYS_PROJECT1", K1, "CAPYDB_SECRETS_ACTIVE_KEY", "project1", "CAPYDB_SECRETS_KEY", K0));
        assertEquals(Map.of("project1", K1), c.keys());
        assertEquals("project1", c.activeKey());
        assertEquals(Optional.of(K0), c.key());
        assertTrue(new SecretBox(c).seal("x", Aad.of("t", "c", 1)).startsWith("v2:project1:"));
    }

    @Test
    void withoutPerServiceKeysTheSingleKeyIsActiveAsK0() {
        SecretsConfig c = config(Map.of("CAPYDB_SECRETS_KEY", K0));
        assertEquals(Map.of(), c.keys());
        assertEquals("k0", c.activeKey());
        assertTrue(new SecretBox(c).seal("x", Aad.of("t", "c", 1)).startsWith("v2:k0:"));
    }
}
