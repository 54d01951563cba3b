package dev.capydb.cutover;

import static dev.capydb.cutover.CutoverRequestsTest.body;
import static dev.capydb.cutover.CutoverRequestsTest.request;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.events.EventType;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The operator's side: only operators, the state machine over HTTP, and what execute demands. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class OperatorReviewTest {

    @Inject
    Fixtures fx;

    static ValidatableResponse op(String token, String action, String id, Map<String, Object> body) {
        var req = given().auth().oauth2(token);
        if (body != null) {
            req = req.contentType("application/json").body(body);
        }
        return req.post("/v1/operator/cutover-requests/{r}/" + action, id).then();
    }

    private String openRequest(UUID project, String ticket) {
        return request(TestTokens.alice(), project, body(fx.preview(project, Duration.ofHours(24)), null, ticket))
                .statusCode(201)
                .extract()
                .path("id");
    }

    @Test
    void orgAdminsAndMembersAreRefusedEveryOperatorEndpoint() {
        UUID project = fx.project("active");
        String id = openRequest(project, "SUP-1");
        for (String token : List.of(TestTokens.alice(), TestTokens.bob(), TestTokens.carol())) {
            given().auth()
                    .oauth2(token)
                    .get("/v1/operator/cutover-requests")
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("code", equalTo("forbidden"));
            given().auth()
                    .oauth2(token)
                    .get("/v1/operator/cutover-requests/{r}", id)
                    .then()
                    .statusCode(403);
            op(token, "ack", id, null).statusCode(403);
            op(token, "reject", id, Map.of("reason", "no")).statusCode(403);
            op(token, "execute", id, null).statusCode(403);
            op(token, "fail", id, Map.of("reason", "no")).statusCode(403);
        }
        given().get("/v1/operator/cutover-requests").then().statusCode(401);
        given().auth()
                .oauth2(TestTokens.olga())
                .get("/v1/operator/cutover-requests/{r}", id)
                .then()
                .statusCode(200)
                .body("status", equalTo("open"));
    }

    @Test
    void operatorsSeeEveryOrgsRequestsFilteredByStatus() {
        UUID project = fx.project("active");
        String open = openRequest(project, null);
        String acked = openRequest(project, null);
        op(TestTokens.olga(), "ack", acked, null)
                .statusCode(200)
                .body("status", equalTo("acked"))
                .body("acked_by", equalTo("olga"));
        given().auth()
                .oauth2(TestTokens.olga())
                .get("/v1/operator/cutover-requests?status=open&limit=100")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(open))
                .body("items.id", not(hasItem(acked)))
                .body("items.status", everyItem(equalTo("open")));
        given().auth()
                .oauth2(TestTokens.olga())
                .get("/v1/operator/cutover-requests?status=acked&limit=100")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(acked))
                .body("items[0].org_id", equalTo("acme"));
        given().auth()
                .oauth2(TestTokens.olga())
                .get("/v1/operator/cutover-requests?status=nope")
                .then()
                .statusCode(422);
        op(TestTokens.olga(), "ack", UUID.randomUUID().toString(), null).statusCode(404);
    }

    @Test
    void rejectNeedsAReasonAndEndsTheRequest() throws Exception {
        UUID project = fx.project("active");
        String id = openRequest(project, "SUP-2");
        op(TestTokens.olga(), "reject", id, Map.of()).statusCode(422).body("errors[0].field", equalTo("reason"));
        op(TestTokens.olga(), "reject", id, Map.of("reason", "  ")).statusCode(422);
        op(TestTokens.olga(), "reject", id, Map.of("reason", "r".repeat(1001))).statusCode(422);
        op(TestTokens.olga(), "reject", id, Map.of("reason", "production has newer orders than the preview"))
                .statusCode(200)
                .body("status", equalTo("rejected"))
                .body("reason", equalTo("production has newer orders than the preview"))
                .body("closed_by", equalTo("olga"));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/cutover-requests/{r}", project, id)
                .then()
                .body("reason", equalTo("production has newer orders than the preview"));
        op(TestTokens.olga(), "ack", id, null).statusCode(409).body("errors[0].message", equalTo("rejected"));
        op(TestTokens.olga(), "execute", id, null).statusCode(409).body("errors[0].message", equalTo("rejected"));
        var events = fx.cutoverEvents(UUID.fromString(id));
        assertEquals(
                List.of("cutover.requested", "cutover.rejected"),
                events.stream().map(e -> e.type()).toList());
        assertEquals(
                "production has newer orders than the preview",
                events.get(1).data().get("reason").asText());
    }

    @Test
    void illegalTransitionsAnswer409WithTheCurrentState() {
        UUID project = fx.project("active");
        String id = openRequest(project, "SUP-3");
        op(TestTokens.olga(), "execute", id, null)
                .statusCode(409)
                .body("code", equalTo("invalid_state"))
                .body("errors[0].message", equalTo("open"))
                .body("detail", org.hamcrest.Matchers.containsString("acked"));
        op(TestTokens.olga(), "fail", id, Map.of("reason", "x"))
                .statusCode(409)
                .body("errors[0].message", equalTo("open"));
        op(TestTokens.olga(), "ack", id, null).statusCode(200);
        op(TestTokens.olga(), "ack", id, null).statusCode(409).body("errors[0].message", equalTo("acked"));
        op(TestTokens.olga(), "reject", id, Map.of("reason", "late"))
                .statusCode(409)
                .body("errors[0].message", equalTo("acked"));
        op(TestTokens.olga(), "execute", id, null).statusCode(202).body("status", equalTo("in_progress"));
        op(TestTokens.olga(), "execute", id, null).statusCode(409).body("errors[0].message", equalTo("in_progress"));
        op(TestTokens.olga(), "ack", id, null).statusCode(409).body("errors[0].message", equalTo("in_progress"));
    }

    @Test
    void executeNeedsATicketRefThenRunsOnceTheCustomerAddsIt() throws Exception {
        UUID project = fx.project("active");
        String id = openRequest(project, null);
        op(TestTokens.olga(), "ack", id, null).statusCode(200);
        op(TestTokens.olga(), "execute", id, null)
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("ticket_ref_required"));
        given().auth()
                .oauth2(TestTokens.olga())
                .get("/v1/operator/cutover-requests/{r}", id)
                .then()
                .body("status", equalTo("acked"));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("external_ticket_ref", "SUP-77"))
                .patch("/v1/projects/{p}/cutover-requests/{r}", project, id)
                .then()
                .statusCode(200);
        op(TestTokens.olga(), "execute", id, null)
                .statusCode(202)
                .body("status", equalTo("in_progress"))
                .body("waiting_for", equalTo("pre_cutover_backup"))
                .body("executed_by", equalTo("olga"))
                .body("pre_cutover_backup_label", equalTo("pre-cutover-" + id));
        var events = fx.cutoverEvents(UUID.fromString(id));
        assertEquals(
                List.of("cutover.requested", "cutover.acked", "cutover.execution_started"),
                events.stream().map(e -> e.type()).toList());
        assertEquals("SUP-77", events.get(2).data().get("external_ticket_ref").asText());
    }

    @Test
    void aRetriedExecuteWithTheSameIdempotencyKeyStartsNothingTwice() throws Exception {
        UUID project = fx.project("active");
        String id = openRequest(project, "SUP-8");
        op(TestTokens.olga(), "ack", id, null).statusCode(200);
        for (int i = 0; i < 2; i++) {
            given().auth()
                    .oauth2(TestTokens.olga())
                    .header("Idempotency-Key", "exec-" + id)
                    .post("/v1/operator/cutover-requests/{r}/execute", id)
                    .then()
                    .statusCode(202)
                    .body("status", equalTo("in_progress"));
        }
        given().auth()
                .oauth2(TestTokens.olga())
                .header("Idempotency-Key", "another")
                .post("/v1/operator/cutover-requests/{r}/execute", id)
                .then()
                .statusCode(409);
        assertEquals(
                List.of("cutover.requested", "cutover.acked", "cutover.execution_started"),
                fx.cutoverEventTypes(UUID.fromString(id)));
    }

    @Test
    void executeRefusesAPreviewThatExpiredOrWasDroppedWhileWaiting() throws Exception {
        UUID project = fx.project("active");
        UUID preview = fx.preview(project, Duration.ofHours(24));
        String id = request(TestTokens.alice(), project, body(preview, null, "SUP-4"))
                .statusCode(201)
                .extract()
                .path("id");
        op(TestTokens.olga(), "ack", id, null).statusCode(200);
        fx.previewEvent(
                EventType.PREVIEW_READY,
                preview,
                project,
                "ready",
                Instant.now().minusSeconds(1));
        op(TestTokens.olga(), "execute", id, null).statusCode(409).body("code", equalTo("preview_expired"));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests/{r}", project, id)
                .then()
                .body("status", equalTo("acked"))
                .body("preview_status", equalTo("ready"));
        fx.previewEvent(
                EventType.PREVIEW_EXPIRED,
                preview,
                project,
                "expired",
                Instant.now().minusSeconds(1));
        op(TestTokens.olga(), "execute", id, null).statusCode(409).body("code", equalTo("preview_not_ready"));
        // The customer extends the TTL (restore-service re-announces the preview): execution goes ahead.
        UUID second = fx.preview(project, Duration.ofHours(1));
        String next = request(TestTokens.alice(), project, body(second, null, "SUP-5"))
                .statusCode(201)
                .extract()
                .path("id");
        op(TestTokens.olga(), "ack", next, null).statusCode(200);
        fx.previewEvent(
                EventType.PREVIEW_READY, second, project, "ready", Instant.now().plus(Duration.ofHours(10)));
        op(TestTokens.olga(), "execute", next, null).statusCode(202);
        assertEquals(List.of("cutover.requested", "cutover.acked"), fx.cutoverEventTypes(UUID.fromString(id)));
    }

    @Test
    void executeRefusesABusyProjectAndASecondCutoverOfTheSameProject() {
        UUID project = fx.project("active");
        String first = openRequest(project, "SUP-6");
        String second = openRequest(project, "SUP-7");
        op(TestTokens.olga(), "ack", first, null).statusCode(200);
        op(TestTokens.olga(), "ack", second, null).statusCode(200);
        fx.announceProject(project, "restoring", 2);
        op(TestTokens.olga(), "execute", first, null).statusCode(409).body("code", equalTo("project_busy"));
        fx.announceProject(project, "active", 3);
        op(TestTokens.olga(), "execute", first, null).statusCode(202);
        op(TestTokens.olga(), "execute", second, null).statusCode(409).body("code", equalTo("project_busy"));
        given().auth()
                .oauth2(TestTokens.olga())
                .get("/v1/operator/cutover-requests/{r}", second)
                .then()
                .body("status", equalTo("acked"));
    }
}
