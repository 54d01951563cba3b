package dev.capydb.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capydb.webhook.integration.ConnectionSource;
import dev.capydb.webhook.integration.ProjectServiceConnections;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The real connection source: the typed client against a stub of project-service's internal endpoint, with a
 * client-credentials token from the running dev Keycloak (realm capydb, client capydb-services, dev/env.sh's secret).
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(ProjectServiceStub.class)
class ProjectServiceConnectionsTest {

    @Inject
    ProjectServiceConnections connections;

    private static JsonNode claims(String jwt) throws IOException {
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length, "a signed JWT");
        return new ObjectMapper().readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    /** A claim that may be one string or an array of them ({@code aud} is either). */
    private static List<String> values(JsonNode node) {
        if (!node.isArray()) {
            return List.of(node.asText());
        }
        List<String> all = new ArrayList<>();
        node.forEach(n -> all.add(n.asText()));
        return all;
    }

    @Test
    void fetchesBothUrlsWithAKeycloakTokenProjectServiceAccepts() throws Exception {
        UUID project = ProjectServiceStub.knows(UUID.randomUUID());
        int before = ProjectServiceStub.tokens().size();

        ConnectionSource.Urls urls = connections.fetch(project);
        assertEquals(TestConnections.pooled(project), urls.databaseUrl());
        assertEquals(TestConnections.unpooled(project), urls.databaseUrlUnpooled());

        String token = ProjectServiceStub.tokens().get(before);
        JsonNode claims = claims(token);
        // What project-service's InternalCallers and @RolesAllowed("service") require of an /internal caller.
        assertEquals("capydb-services", claims.path("azp").asText(), claims.toString());
        assertTrue(values(claims.path("aud")).contains("capydb-internal"), claims.toString());
        assertTrue(values(claims.path("realm_access").path("roles")).contains("service"), claims.toString());
        assertTrue(claims.path("iss").asText().endsWith("/realms/capydb"), "minted by the capydb realm: " + claims);

        // The token is kept until shortly before it expires, not fetched again for every call.
        connections.fetch(ProjectServiceStub.knows(UUID.randomUUID()));
        assertEquals(token, ProjectServiceStub.tokens().get(before + 1));
    }

    @Test
    void anythingButTwoHundredIsAnIOExceptionNamingTheStatus() {
        IOException e = assertThrows(IOException.class, () -> connections.fetch(ProjectServiceStub.MISSING));
        assertEquals("project-service answered 404 for the connection strings", e.getMessage());
    }
}
