package dev.capydb.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Outside the development mode, webhooks must be https:// and never point at this machine. */
@QuarkusTest
@TestProfile(StrictModeTest.Strict.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class StrictModeTest {

    /** The default (production) egress mode. */
    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capydb.egress.allow-loopback", "false", "capydb.webhooks.dispatcher-enabled", "false");
        }
    }

    @Inject
    TestProjects projects;

    private void refused(UUID project, String url, String code) {
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("url", url))
                .post("/v1/projects/{p}/webhooks", project)
                .then()
                .statusCode(422)
                .body("code", equalTo(code));
    }

    @Test
    void loopbackAndPlainHttpAreRefused() {
        UUID project = projects.withoutDatabase().id();
        refused(project, "http://127.0.0.1:8099/hook", "validation_failed");
        refused(project, "https://127.0.0.1/hook", "target_not_public");
        refused(project, "https://localhost/hook", "target_not_public");
        refused(project, "https://[::1]/hook", "target_not_public");
        refused(project, "https://[::ffff:127.0.0.1]/hook", "target_not_public");
        refused(project, "https://127.1/hook", "validation_failed"); // not even a valid URL host
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/webhooks", project)
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }
}
