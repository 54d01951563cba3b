package dev.capydb.cutover;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The customer's side of cutover requests: limits, preview checks, one unfinished request per preview, edits. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class CutoverRequestsTest {

    @Inject
    Fixtures fx;

    static ValidatableResponse request(String token, UUID project, Map<String, Object> body) {
        return given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(body)
                .post("/v1/projects/{p}/cutover-requests", project)
                .then();
    }

    static Map<String, Object> body(UUID preview, String note, String ticket) {
        Map<String, Object> b = new HashMap<>();
        b.put("preview_id", preview);
        if (note != null) {
            b.put("customer_note", note);
        }
        if (ticket != null) {
            b.put("external_ticket_ref", ticket);
        }
        return b;
    }

    @Test
    void anAdminOpensARequestAndItIsAnnounced() throws Exception {
        UUID project = fx.project("active");
        UUID preview = fx.preview(project, Duration.ofHours(24));
        String id = request(TestTokens.alice(), project, body(preview, "migrated to v2 schema", "SUP-1234"))
                .statusCode(201)
                .header("Location", org.hamcrest.Matchers.startsWith("/v1/projects/" + project + "/cutover-requests/"))
                .body("status", equalTo("open"))
                .body("preview_id", equalTo(preview.toString()))
                .body("customer_note", equalTo("migrated to v2 schema"))
                .body("external_ticket_ref", equalTo("SUP-1234"))
                .body("preview_status", equalTo("ready"))
                .body("waiting_for", nullValue())
                .extract()
                .path("id");
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/cutover-requests/{r}", project, id)
                .then()
                .statusCode(200)
                .body("status", equalTo("open"))
                .body("requested_by", equalTo("alice"));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/cutover-requests", project)
                .then()
                .statusCode(200)
                .body("items.id", hasItem(id));
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects/{p}/cutover-requests/{r}", project, id)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects/{p}/cutover-requests", project)
                .then()
                .statusCode(404);

        var events = fx.cutoverEvents(UUID.fromString(id));
        assertEquals(
                List.of("cutover.requested"), events.stream().map(e -> e.type()).toList());
        assertEquals(project, events.get(0).projectId());
        assertEquals("acme", events.get(0).orgId());
        assertEquals("SUP-1234", events.get(0).data().get("external_ticket_ref").asText());
    }

    @Test
    void limitsOnNoteAndTicketAreExactAndARefusalChangesNothing() throws Exception {
        UUID project = fx.project("active");
        UUID preview = fx.preview(project, Duration.ofHours(24));
        request(TestTokens.alice(), project, body(preview, "n".repeat(1001), null))
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("customer_note"));
        request(TestTokens.alice(), project, body(preview, null, "T".repeat(121)))
                .statusCode(422)
                .body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("external_ticket_ref"));
        request(TestTokens.alice(), project, body(preview, null, "   "))
                .statusCode(422)
                .body("errors[0].field", equalTo("external_ticket_ref"));
        request(TestTokens.alice(), project, body(null, "hi", null))
                .statusCode(422)
                .body("errors[0].field", equalTo("preview_id"));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests", project)
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));

        request(TestTokens.alice(), project, body(preview, "n".repeat(1000), "T".repeat(120)))
                .statusCode(201);
    }

    @Test
    void thePreviewMustBeThisProjectsReadyAndUnexpired() {
        UUID project = fx.project("active");
        UUID other = fx.project("active");
        UUID foreign = fx.preview(other, Duration.ofHours(24));
        request(TestTokens.alice(), project, body(foreign, null, null))
                .statusCode(404)
                .body("code", equalTo("not_found"));
        request(TestTokens.alice(), project, body(UUID.randomUUID(), null, null))
                .statusCode(404);

        UUID lapsed = UUID.randomUUID();
        fx.previewEvent(
                EventType.PREVIEW_READY, lapsed, project, "ready", Instant.now().minusSeconds(5));
        request(TestTokens.alice(), project, body(lapsed, null, null))
                .statusCode(409)
                .body("code", equalTo("preview_expired"));

        UUID dropped = fx.preview(project, Duration.ofHours(2));
        fx.previewEvent(EventType.PREVIEW_EXPIRED, dropped, project, "expired", Instant.now());
        request(TestTokens.alice(), project, body(dropped, null, null))
                .statusCode(409)
                .body("code", equalTo("preview_not_ready"));

        // Extending the TTL re-announces the preview as ready with the new expiry: a request is possible again.
        fx.previewEvent(
                EventType.PREVIEW_READY, lapsed, project, "ready", Instant.now().plus(Duration.ofHours(5)));
        request(TestTokens.alice(), project, body(lapsed, null, null)).statusCode(201);
    }

    @Test
    void anOlderAnnouncementArrivingLateNeverRevivesAPreview() {
        UUID project = fx.project("active");
        UUID preview = fx.preview(project, Duration.ofHours(3));
        Instant before = Instant.now().minusSeconds(60);
        fx.previewEvent(EventType.PREVIEW_EXPIRED, preview, project, "deleted", Instant.now());
        // A ready announcement stamped before the deletion, delivered after it (another partition replay, a lagging
        // producer): the newer state stands.
        fx.previewEventAt(
                EventType.PREVIEW_READY,
                preview,
                project,
                "ready",
                Instant.now().plus(Duration.ofHours(3)),
                before);
        request(TestTokens.alice(), project, body(preview, null, null))
                .statusCode(409)
                .body("code", equalTo("preview_not_ready"))
                .body("detail", org.hamcrest.Matchers.containsString("deleted"));
    }

    @Test
    void onlyOneUnfinishedRequestPerPreview() {
        UUID project = fx.project("active");
        UUID preview = fx.preview(project, Duration.ofHours(24));
        String first = request(TestTokens.alice(), project, body(preview, null, null))
                .statusCode(201)
                .extract()
                .path("id");
        request(TestTokens.alice(), project, body(preview, null, null))
                .statusCode(409)
                .body("code", equalTo("cutover_request_exists"))
                .body("detail", org.hamcrest.Matchers.containsString(first));
        // An acknowledged request still holds the preview.
        given().auth()
                .oauth2(TestTokens.olga())
                .post("/v1/operator/cutover-requests/{r}/ack", first)
                .then()
                .statusCode(200);
        request(TestTokens.alice(), project, body(preview, null, null)).statusCode(409);
        // Another preview of the same project is free.
        request(TestTokens.alice(), project, body(fx.preview(project, Duration.ofHours(24)), null, null))
                .statusCode(201);

        UUID second = fx.preview(project, Duration.ofHours(24));
        String rejected = request(TestTokens.alice(), project, body(second, null, null))
                .statusCode(201)
                .extract()
                .path("id");
        given().auth()
                .oauth2(TestTokens.olga())
                .contentType("application/json")
                .body(Map.of("reason", "needs a window"))
                .post("/v1/operator/cutover-requests/{r}/reject", rejected)
                .then()
                .statusCode(200);
        request(TestTokens.alice(), project, body(second, null, null)).statusCode(201);
    }

    @Test
    void membersReadButOnlyAdminsOpenEditOrCancel() {
        UUID project = fx.project("active");
        UUID preview = fx.preview(project, Duration.ofHours(24));
        request(TestTokens.bob(), project, body(preview, null, null))
                .statusCode(403)
                .body("code", equalTo("forbidden"));
        request(TestTokens.carol(), project, body(preview, null, null)).statusCode(404);
        given().contentType("application/json")
                .body(body(preview, null, null))
                .post("/v1/projects/{p}/cutover-requests", project)
                .then()
                .statusCode(401);
        String id = request(TestTokens.alice(), project, body(preview, null, null))
                .statusCode(201)
                .extract()
                .path("id");
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("external_ticket_ref", "X"))
                .patch("/v1/projects/{p}/cutover-requests/{r}", project, id)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.bob())
                .post("/v1/projects/{p}/cutover-requests/{r}/cancel", project, id)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/cutover-requests/{r}", project, id)
                .then()
                .statusCode(200)
                .body("status", equalTo("open"));
    }

    @Test
    void theTicketAndNoteCanBeSetWhileOpenOrAckedButNotLater() {
        UUID project = fx.project("active");
        UUID preview = fx.preview(project, Duration.ofHours(24));
        String id = request(TestTokens.alice(), project, body(preview, "first", null))
                .statusCode(201)
                .extract()
                .path("id");
        patch(id, project, Map.of("external_ticket_ref", "SUP-9"))
                .statusCode(200)
                .body("external_ticket_ref", equalTo("SUP-9"))
                .body("customer_note", equalTo("first"));
        given().auth()
                .oauth2(TestTokens.olga())
                .post("/v1/operator/cutover-requests/{r}/ack", id)
                .then()
                .statusCode(200);
        patch(id, project, Map.of("customer_note", "second", "external_ticket_ref", "SUP-10"))
                .statusCode(200)
                .body("customer_note", equalTo("second"))
                .body("external_ticket_ref", equalTo("SUP-10"));
        patch(id, project, Map.of("external_ticket_ref", "T".repeat(121))).statusCode(422);
        patch(id, project, Map.of()).statusCode(422);
        given().auth()
                .oauth2(TestTokens.olga())
                .post("/v1/operator/cutover-requests/{r}/execute", id)
                .then()
                .statusCode(202);
        patch(id, project, Map.of("customer_note", "too late"))
                .statusCode(409)
                .body("code", equalTo("invalid_state"))
                .body("errors[0].field", equalTo("status"))
                .body("errors[0].message", equalTo("in_progress"));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests/{r}", project, id)
                .then()
                .body("customer_note", equalTo("second"));
    }

    @Test
    void aRequestCanBeCancelledOnlyWhileOpen() throws Exception {
        UUID project = fx.project("active");
        UUID preview = fx.preview(project, Duration.ofHours(24));
        String id = request(TestTokens.alice(), project, body(preview, null, null))
                .statusCode(201)
                .extract()
                .path("id");
        given().auth()
                .oauth2(TestTokens.alice())
                .post("/v1/projects/{p}/cutover-requests/{r}/cancel", project, id)
                .then()
                .statusCode(200)
                .body("status", equalTo("cancelled"))
                .body("closed_by", equalTo("alice"));
        given().auth()
                .oauth2(TestTokens.alice())
                .post("/v1/projects/{p}/cutover-requests/{r}/cancel", project, id)
                .then()
                .statusCode(409)
                .body("errors[0].message", equalTo("cancelled"));
        given().auth()
                .oauth2(TestTokens.olga())
                .post("/v1/operator/cutover-requests/{r}/ack", id)
                .then()
                .statusCode(409)
                .body("code", equalTo("invalid_state"));
        assertEquals(List.of("cutover.requested", "cutover.cancelled"), fx.cutoverEventTypes(UUID.fromString(id)));

        String acked = request(TestTokens.alice(), project, body(preview, null, null))
                .statusCode(201)
                .extract()
                .path("id");
        given().auth()
                .oauth2(TestTokens.olga())
                .post("/v1/operator/cutover-requests/{r}/ack", acked)
                .then()
                .statusCode(200);
        given().auth()
                .oauth2(TestTokens.alice())
                .post("/v1/projects/{p}/cutover-requests/{r}/cancel", project, acked)
                .then()
                .statusCode(409)
                .body("errors[0].message", equalTo("acked"));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests?status=cancelled", project)
                .then()
                .statusCode(200)
                .body("items.id", hasItem(id))
                .body("items.id", not(hasItem(acked)));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests?status=bogus", project)
                .then()
                .statusCode(422);
    }

    @Test
    void listsAreNewestFirstAndPaginated() {
        UUID project = fx.project("active");
        List<String> made = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(
                    0,
                    request(TestTokens.alice(), project, body(fx.preview(project, Duration.ofHours(2)), null, null))
                            .statusCode(201)
                            .extract()
                            .path("id"));
        }
        var first = given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/cutover-requests?limit=2", project)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(made.subList(0, 2), first.getList("items.id"));
        given().auth()
                .oauth2(TestTokens.alice())
                .queryParam("limit", 2)
                .queryParam("cursor", first.getString("next_cursor"))
                .get("/v1/projects/{p}/cutover-requests", project)
                .then()
                .statusCode(200)
                .body("items.id", equalTo(made.subList(2, 3)))
                .body("next_cursor", nullValue());
    }

    private static ValidatableResponse patch(String id, UUID project, Map<String, Object> body) {
        return given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(body)
                .patch("/v1/projects/{p}/cutover-requests/{r}", project, id)
                .then();
    }
}
