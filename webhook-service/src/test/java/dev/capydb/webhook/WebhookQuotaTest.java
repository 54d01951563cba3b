package dev.capydb.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.testing.Concurrently;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A project has at most {@code capydb.webhooks.max-per-project} endpoints; the limit and its use are readable. */
@QuarkusTest
@TestProfile(WebhookQuotaTest.TwoPerProject.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class WebhookQuotaTest {

    /** A limit small enough to reach. */
    public static class TwoPerProject implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capydb.webhooks.max-per-project", "2", "capydb.webhooks.dispatcher-enabled", "false");
        }
    }

    @Inject
    TestProjects projects;

    private static int create(UUID project) {
        return given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("url", "http://127.0.0.1:8099/hook"))
                .post("/v1/projects/{p}/webhooks", project)
                .then()
                .extract()
                .statusCode();
    }

    @Test
    void theThirdEndpointIsRefusedUntilOneIsDeleted() {
        UUID project = projects.withoutDatabase().id();
        assertEquals(201, create(project));
        String kept = given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/webhooks", project)
                .then()
                .statusCode(200)
                .extract()
                .path("items[0].id");
        assertEquals(201, create(project));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("url", "http://127.0.0.1:8099/third"))
                .post("/v1/projects/{p}/webhooks", project)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("quota_exceeded"))
                .body("detail", containsString("2 of 2"));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/webhooks", project)
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(2));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/webhooks/limits", project)
                .then()
                .statusCode(200)
                .body("project_id", equalTo(project.toString()))
                .body("webhooks.limit", equalTo(2))
                .body("webhooks.used", equalTo(2));
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects/{p}/webhooks/limits", project)
                .then()
                .statusCode(404);

        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{p}/webhooks/{w}", project, kept)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/webhooks/limits", project)
                .then()
                .body("webhooks.used", equalTo(1));
        assertEquals(201, create(project));
    }

    @Test
    void concurrentCreatesNeverPassTheLimit() throws Exception {
        UUID project = projects.withoutDatabase().id();
        List<Integer> statuses = Concurrently.call(6, i -> create(project));
        assertEquals(2, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(4, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/webhooks", project)
                .then()
                .body("items.size()", equalTo(2));
    }
}
