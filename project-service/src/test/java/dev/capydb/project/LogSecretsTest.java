package dev.capydb.project;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.testing.LogCapture;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * A project's whole life (created, its connection read by a member and by a service, a bad token, deleted) writes
 * no password and no bearer token to the logs.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class LogSecretsTest {

    @Test
    void aProjectsLifeLogsNoPasswordAndNoToken() {
        String service = TestTokens.internalService();
        List<String> forbidden = new ArrayList<>(List.of(TestTokens.alice(), TestTokens.bob(), service));
        try (LogCapture logs = LogCapture.start()) {
            Logger.getLogger(LogSecretsTest.class).info("log capture started");
            String id = given().auth()
                    .oauth2(TestTokens.alice())
                    .contentType("application/json")
                    .body(Map.of("name", "logs-" + UUID.randomUUID().toString().substring(0, 8)))
                    .post("/v1/projects")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            String url = given().auth()
                    .oauth2(TestTokens.bob())
                    .get("/v1/projects/{id}/connection", id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("database_url");
            String password = URI.create(url).getUserInfo().split(":", 2)[1];
            forbidden.add(password);
            forbidden.add(url);
            given().auth()
                    .oauth2(service)
                    .get("/internal/projects/{id}/connection", id)
                    .then()
                    .statusCode(200);
            given().auth()
                    .oauth2(TestTokens.alice() + "x")
                    .get("/v1/projects/{id}", id)
                    .then()
                    .statusCode(401);
            given().auth()
                    .oauth2(TestTokens.alice())
                    .delete("/v1/projects/{id}", id)
                    .then()
                    .statusCode(lessThan(300));

            assertFalse(logs.containing("log capture started").isEmpty(), "the capture must see the service's logs");
            assertTrue(password.length() >= 40);
            for (String secret : forbidden) {
                assertEquals(List.of(), logs.containing(secret), "logged a secret");
            }
            assertEquals(List.of(), logs.containing("Bearer "), "logged an Authorization header");
        }
    }
}
