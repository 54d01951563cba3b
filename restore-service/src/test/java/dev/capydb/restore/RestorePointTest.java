package dev.capydb.restore;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.events.BaseBackupPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.restore.messaging.BackupEventsConsumer;
import dev.capydb.testing.Records;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Restore points: on a backup (pinning it) or a moment in the PITR window, refused outside it or without PITR. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class RestorePointTest {

    @Inject
    TestProjects projects;

    @Inject
    ToolRunner tools;

    @Inject
    ObjectStore store;

    @Inject
    BackupEventsConsumer backupEvents;

    @Inject
    AgroalDataSource dataSource;

    private void clearBaseBackups() throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("DELETE FROM known_base_backup");
        }
    }

    private void baseBackupAt(Instant start) {
        backupEvents.onBackupEvent(Records.of(EventJson.write(EventEnvelope.of(
                EventType.BASE_BACKUP_COMPLETED,
                "backup-service",
                null,
                null,
                null,
                new BaseBackupPayload(
                        UUID.randomUUID(),
                        "local-1",
                        null,
                        "20261120-030000F",
                        "full",
                        start,
                        "0/2000028",
                        start,
                        1)))));
    }

    private long outbox(String type, String id) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM outbox_event WHERE type = '" + type
                        + "' AND payload LIKE '%" + id + "%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void backupRestorePointsNameACompletedBackupOfTheProject() throws Exception {
        TestProject p = projects.withData(1);
        String key = RestoreToNewPreviewTest.backupOf(p, tools, store, backupEvents);
        String id = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "before-migration", "kind", "backup", "backup_key", key))
                .post("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(201)
                .body("kind", equalTo("backup"))
                .body("backup_key", equalTo(key))
                .extract()
                .path("id");
        assertEquals(1, outbox("restore_point.created", id), "backup-service pins the backup on this event");
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "before-migration", "kind", "backup", "backup_key", key))
                .post("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(409)
                .body("code", equalTo("label_taken"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "x", "kind", "backup", "backup_key", "projects/other.dump"))
                .post("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "x", "kind", "backup"))
                .post("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("backup_key"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "", "kind", "moon"))
                .post("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("validation_failed"));
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(200)
                .body("items.id", hasItem(id));
        // bob is a member: he may pin a backup, not unpin it.
        given().auth()
                .oauth2(TestTokens.bob())
                .delete("/v1/projects/{p}/restore-points/{r}", p.id(), id)
                .then()
                .statusCode(403)
                .body("code", equalTo("forbidden"));
        assertEquals(0, outbox("restore_point.deleted", id));
        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{p}/restore-points/{r}", p.id(), id)
                .then()
                .statusCode(204);
        assertEquals(1, outbox("restore_point.deleted", id));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/restore-points", p.id())
                .then()
                .body("items.id", not(hasItem(id)));
    }

    @Test
    void pitrRestorePointsMustFallInsideTheWindowOfARegionWithPitr() throws Exception {
        clearBaseBackups();
        TestProject p = projects.withData(1);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "now"))
                .post("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("target_outside_window"))
                .body("detail", containsString("no base backup"));

        baseBackupAt(Instant.now().minus(Duration.ofHours(1)));
        String twoHoursAgo = Instant.now().minus(Duration.ofHours(2)).toString();
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "too-early", "timestamp", twoHoursAgo))
                .post("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("target_outside_window"))
                .body("detail", containsString("outside the point-in-time window"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of(
                        "label",
                        "future",
                        "timestamp",
                        Instant.now().plus(Duration.ofHours(1)).toString()))
                .post("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(422)
                .body("code", equalTo("target_outside_window"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "bad", "timestamp", "yesterday"))
                .post("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("timestamp"));

        String id = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "release-1"))
                .post("/v1/projects/{p}/restore-points", p.id())
                .then()
                .statusCode(201)
                .body("kind", equalTo("pitr"))
                .body("timestamp", notNullValue())
                .body("lsn", notNullValue())
                .extract()
                .path("id");
        assertEquals(1, outbox("restore_point.created", id));

        // A project in a region without WAL archiving has no PITR at all.
        UUID other = UUID.randomUUID();
        projects.announce(other, "prj_" + other.toString().replace("-", ""), "active", 1, "local-2", false);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "now"))
                .post("/v1/projects/{p}/restore-points", other)
                .then()
                .statusCode(422)
                .body("code", equalTo("pitr_unavailable"));
    }
}
