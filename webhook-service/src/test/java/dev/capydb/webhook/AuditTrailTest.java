package dev.capydb.webhook;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.events.CutoverPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.ImportPayload;
import dev.capydb.events.OverwriteAuditPayload;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestTokens;
import dev.capydb.webhook.messaging.EventConsumers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The audit trail: every lifecycle event of a project, newest first, filterable, without secrets. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class AuditTrailTest {

    @Inject
    TestProjects projects;

    @Inject
    EventConsumers consumers;

    private static CutoverPayload cutover(UUID request, UUID project, String status, UUID backup) {
        return new CutoverPayload(request, project, UUID.randomUUID(), status, "OPS-9", backup, null);
    }

    @Test
    void cutoverStepsAndTheOverwriteAuditAppearInOrderWithoutSecrets() {
        UUID project = projects.withoutDatabase().id();
        UUID request = UUID.randomUUID();
        UUID backup = UUID.randomUUID();
        String corr = request.toString();
        // The trail is ordered by event time: each event is dated a millisecond after the last, not slept apart.
        Instant t0 = Instant.now();
        consumers.handle("webhook-backups", Events.json(Events.at(Events.backupCompleted(project), t0)));
        consumers.handle(
                "webhook-cutovers",
                Events.json(Events.at(
                        Events.envelope(
                                EventType.CUTOVER_REQUESTED, project, corr, cutover(request, project, "open", null)),
                        t0.plusMillis(1))));
        consumers.handle(
                "webhook-cutovers",
                Events.json(Events.at(
                        Events.envelope(
                                EventType.CUTOVER_ACKED, project, corr, cutover(request, project, "acked", null)),
                        t0.plusMillis(2))));
        consumers.handle(
                "webhook-cutovers",
                Events.json(Events.at(
                        Events.envelope(
                                EventType.CUTOVER_PROMOTE_STARTED,
                                project,
                                corr,
                                cutover(request, project, "in_progress", backup)),
                        t0.plusMillis(3))));
        EventEnvelope overwrite = Events.at(
                Events.envelope(
                        EventType.PRODUCTION_OVERWRITE_RESTORE,
                        project,
                        corr,
                        new OverwriteAuditPayload(
                                UUID.randomUUID(), project, "preview", UUID.randomUUID(), backup, corr)),
                t0.plusMillis(4));
        consumers.handle("webhook-restores", Events.json(overwrite));
        consumers.handle("webhook-restores", Events.json(overwrite)); // redelivered: stored once
        // A producer that forgot to mask a password: the trail masks it anyway.
        consumers.handle(
                "webhook-imports",
                Events.json(Events.at(
                        Events.envelope(
                                EventType.IMPORT_FAILED,
                                project,
                                null,
                                new ImportPayload(
                                        UUID.randomUUID(),
                                        project,
                                        "url",
                                        "postgres://app:hunter2@db.example.com/shop",
                                        true,
                                        "failed",
                                        null,
                                        "could not connect",
                                        Instant.now(),
                                        Instant.now())),
                        t0.plusMillis(5))));

        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/audit-events", project)
                .then()
                .statusCode(200)
                .body(
                        "items.type",
                        contains(
                                "import.failed",
                                "production_overwrite_restore",
                                "cutover.promote_started",
                                "cutover.acked",
                                "cutover.requested",
                                "backup.completed"))
                .body("items[1].data.pre_cutover_backup_id", equalTo(backup.toString()))
                .body("items[1].correlation_id", equalTo(corr))
                .body("items[0].data.source", equalTo("postgres://app:****@db.example.com/shop"))
                .body(not(containsString("hunter2")));

        given().auth()
                .oauth2(TestTokens.bob())
                .queryParam("type", "cutover.*,production_overwrite_restore")
                .get("/v1/projects/{p}/audit-events", project)
                .then()
                .statusCode(200)
                .body(
                        "items.type",
                        contains(
                                "production_overwrite_restore",
                                "cutover.promote_started",
                                "cutover.acked",
                                "cutover.requested"));

        var page1 = given().auth()
                .oauth2(TestTokens.bob())
                .queryParam("limit", 4)
                .get("/v1/projects/{p}/audit-events", project)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(4, page1.getList("items").size());
        given().auth()
                .oauth2(TestTokens.bob())
                .queryParam("limit", 4)
                .queryParam("cursor", page1.getString("next_cursor"))
                .get("/v1/projects/{p}/audit-events", project)
                .then()
                .statusCode(200)
                .body("items.type", contains("cutover.requested", "backup.completed"))
                .body("next_cursor", equalTo(null));

        String since = page1.getString("items[1].time");
        given().auth()
                .oauth2(TestTokens.bob())
                .queryParam("since", since)
                .get("/v1/projects/{p}/audit-events", project)
                .then()
                .statusCode(200)
                .body("items.type", contains("import.failed", "production_overwrite_restore"));
        given().auth()
                .oauth2(TestTokens.bob())
                .queryParam("since", "yesterday")
                .get("/v1/projects/{p}/audit-events", project)
                .then()
                .statusCode(422)
                .body("code", equalTo("validation_failed"));
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects/{p}/audit-events", project)
                .then()
                .statusCode(404);
    }
}
