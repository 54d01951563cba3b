package dev.capydb.project;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.testing.Concurrently;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An organisation has at most {@code capydb.projects.max-per-org} live projects: one more is refused before
 * anything is provisioned, concurrent creates never pass it, and the limit with its use is readable.
 */
@QuarkusTest
@TestProfile(ProjectQuotaTest.TwoPerOrg.class)
@QuarkusTestResource(OidcWiremockTestResource.class)
class ProjectQuotaTest {

    /** A limit small enough to reach. */
    public static class TwoPerOrg implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("capydb.projects.max-per-org", "2");
        }
    }

    private final List<String> admins = new ArrayList<>();

    /** An admin of an organisation of its own, so other tests' projects do not count. */
    private String freshOrgAdmin(String org) {
        String token = TestTokens.user("quinn", List.of("/orgs/" + org + "/admin"));
        admins.add(token);
        return token;
    }

    /** Real databases on the shared host: not left behind. */
    @AfterEach
    void deleteTheirProjects() {
        for (String token : admins) {
            List<String> ids = given().auth()
                    .oauth2(token)
                    .get("/v1/projects")
                    .then()
                    .extract()
                    .path("items.id");
            ids.forEach(id -> given().auth()
                    .oauth2(token)
                    .delete("/v1/projects/{id}", id)
                    .then()
                    .statusCode(204));
        }
    }

    private static String freshOrg() {
        return "q-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ExtractableResponse<Response> create(String token, String name) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(Map.of("name", name))
                .post("/v1/projects")
                .then()
                .extract();
    }

    @Test
    void theThirdProjectIsRefusedUntilOneIsDeleted() {
        String org = freshOrg();
        String token = freshOrgAdmin(org);
        String first = create(token, "one").path("id");
        assertEquals(201, create(token, "two").statusCode());
        ExtractableResponse<Response> refused = create(token, "three");
        assertEquals(409, refused.statusCode(), refused.asString());
        assertEquals("quota_exceeded", refused.path("code"));
        given().auth().oauth2(token).get("/v1/projects").then().statusCode(200).body("items.size()", equalTo(2));
        given().auth()
                .oauth2(token)
                .get("/v1/orgs/{org}/limits", org)
                .then()
                .statusCode(200)
                .body("org_id", equalTo(org))
                .body("projects.limit", equalTo(2))
                .body("projects.used", equalTo(2));
        // Another organisation's limits are not shown, nor is its existence revealed.
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/orgs/{org}/limits", org)
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"));

        given().auth().oauth2(token).delete("/v1/projects/{id}", first).then().statusCode(204);
        given().auth().oauth2(token).get("/v1/orgs/{org}/limits", org).then().body("projects.used", equalTo(1));
        assertEquals(201, create(token, "three").statusCode());
    }

    @Test
    void concurrentCreatesNeverPassTheLimit() throws Exception {
        String org = freshOrg();
        String token = freshOrgAdmin(org);
        List<Integer> statuses =
                Concurrently.call(5, i -> create(token, "p" + i).statusCode());
        assertEquals(2, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        given().auth().oauth2(token).get("/v1/projects").then().body("items.size()", equalTo(2));
        given().auth()
                .oauth2(token)
                .get("/v1/orgs/{org}/limits", org)
                .then()
                .body("projects.used", equalTo(2))
                .body("projects.limit", equalTo(2));
    }

    @Test
    void theRefusalSaysWhereToReadTheLimit() {
        String org = freshOrg();
        String token = freshOrgAdmin(org);
        create(token, "a");
        create(token, "b");
        create(token, "c")
                .response()
                .then()
                .body("detail", containsString("GET /v1/orgs/" + org + "/limits"))
                .body("detail", containsString("2 of 2"));
    }
}
