package dev.capydb.webhook;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.webhook.integration.ProjectServiceConnections;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * With the token endpoint unreachable the service still starts (the token is fetched by the first call, not at
 * start), and a fetch fails with an IOException that says why, for the env push to record and retry.
 */
@QuarkusTest
@TestProfile(KeycloakUnreachableTest.NoKeycloak.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class KeycloakUnreachableTest {

    /** A token URL on a port nothing listens on. */
    public static class NoKeycloak implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int closed;
            try (ServerSocket s = new ServerSocket(0)) {
                closed = s.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of(
                    "capydb.webhooks.token-url",
                    "http://127.0.0.1:" + closed + "/realms/capydb/protocol/openid-connect/token",
                    "capydb.webhooks.client-secret",
                    "irrelevant-here");
        }
    }

    @Inject
    ProjectServiceConnections connections;

    @ConfigProperty(name = "capydb.webhooks.token-url")
    String tokenUrl;

    @Test
    void startsAndAFetchFailsWithAnIOExceptionSayingWhy() {
        IOException e = assertThrows(IOException.class, () -> connections.fetch(UUID.randomUUID()));
        assertTrue(e.getMessage().startsWith("no token for project-service from " + tokenUrl + ": "), e.getMessage());
    }
}
