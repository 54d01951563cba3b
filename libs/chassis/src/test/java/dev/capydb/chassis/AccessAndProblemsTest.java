package dev.capydb.chassis;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import dev.capydb.chassis.readmodel.ProjectReadModel;
import dev.capydb.events.EventType;
import dev.capydb.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Authorization against the read model and problem+json errors, over HTTP with signed tokens. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class AccessAndProblemsTest {

    @Inject
    ProjectReadModel readModel;

    private UUID project;

    @BeforeEach
    void seed() {
        project = UUID.randomUUID();
        QuarkusTransaction.requiringNew()
                .run(() -> readModel.apply(TestEvents.project(EventType.PROJECT_CREATED, project, "active", 1)));
    }

    @Test
    void membersReadAdminsDestroyOthersSeeNothing() {
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/test/projects/{id}", project)
                .then()
                .statusCode(200)
                .body("org_id", equalTo("acme"))
                .body("project_id", equalTo(project.toString()));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/test/projects/{id}?action=DESTROY", project)
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("code", equalTo("forbidden"));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/test/projects/{id}?action=DESTROY", project)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/test/projects/{id}", project)
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("not_found"));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/test/projects/{id}", UUID.randomUUID())
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"));
    }

    @Test
    void deletedProjectsAreGone() {
        QuarkusTransaction.requiringNew()
                .run(() -> readModel.apply(TestEvents.project(EventType.PROJECT_DELETED, project, "deleted", 2)));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/test/projects/{id}", project)
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"));
    }

    @Test
    void missingOrForgedTokensAre401Problems() {
        given().get("/test/projects/{id}", project)
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("unauthorized"));
        String forged = TestTokens.alice().substring(0, TestTokens.alice().lastIndexOf('.')) + ".AAAA";
        given().auth()
                .oauth2(forged)
                .get("/test/projects/{id}", project)
                .then()
                .statusCode(401)
                .body("code", equalTo("unauthorized"));
    }

    @Test
    void aTokenMintedForAnotherClientIs401EvenWithTheRightRoles() {
        // Same issuer and signature, alice's org role: only the audience says it is not for this API.
        String foreign = TestTokens.token("alice", List.of("/orgs/acme/admin"), List.of(), "account", "some-app");
        given().auth()
                .oauth2(foreign)
                .get("/test/projects/{id}", project)
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("unauthorized"));
        String internal = TestTokens.internalService();
        given().auth()
                .oauth2(internal)
                .get("/test/projects/{id}", project)
                .then()
                .statusCode(401);
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/test/projects/{id}", project)
                .then()
                .statusCode(200);
    }

    @Test
    void badInputIsAClearProblem() {
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body("{\"name\": \"ok\", \"size\": 3}")
                .post("/test/things")
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body("{\"name\": \"NO!\", \"size\": 0}")
                .post("/test/things")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("status", equalTo(422))
                .body("errors.field", hasItems("name", "size"));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body("{\"name\": ")
                .post("/test/things")
                .then()
                .statusCode(400)
                .body("code", equalTo("malformed_json"));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body("{\"name\": \"ok\", \"size\": \"big\"}")
                .post("/test/things")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("size"));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/test/projects/not-a-uuid")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void aClientAcceptingOnlyProblemsCanStillDelete() {
        // What a client generated from the contract sends for a DELETE, whose only documented bodies are errors.
        given().auth()
                .oauth2(TestTokens.alice())
                .accept("application/problem+json")
                .delete("/test/things/{id}", UUID.randomUUID())
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(TestTokens.alice())
                .accept("text/csv")
                .delete("/test/things/{id}", UUID.randomUUID())
                .then()
                .statusCode(406);
    }

    @Test
    void anUnknownFieldIsRefusedByName() {
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body("{\"name\": \"ok\", \"size\": 3, \"dry_run\": true}")
                .post("/test/things")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("unknown_field"))
                .body("errors[0].field", equalTo("dry_run"))
                .body("detail", containsString("known: name, size"));
    }
}
