package dev.capydb.project;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.events.RestorePayload;
import dev.capydb.project.messaging.LifecycleConsumer;
import dev.capydb.testing.Records;
import dev.capydb.testing.TestTokens;
import dev.capydb.testing.Waits;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A production overwrite shows the project as restoring (and refuses its deletion) until it ends. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ProjectStatusTest {

    @Inject
    LifecycleConsumer consumer;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    dev.capydb.dataplane.HostRegistry hosts;

    private String restoreEvent(EventType type, String project, String target) {
        UUID id = UUID.randomUUID();
        return EventJson.write(EventEnvelope.of(
                type,
                "restore-service",
                "acme",
                UUID.fromString(project),
                null,
                new RestorePayload(
                        id,
                        UUID.fromString(project),
                        "backup",
                        "k",
                        null,
                        null,
                        target,
                        null,
                        type == EventType.RESTORE_STARTED ? "running" : "completed",
                        null,
                        Instant.now(),
                        null)));
    }

    @Test
    void thePitrWindowStartsAtTheOldestBaseBackupAndEndsAtTheLastArchivedWal() throws Exception {
        String id = given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("name", "pw-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("DELETE FROM base_backup_seen");
        }
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .body("pitr.available", equalTo(true))
                .body("pitr.earliest", org.hamcrest.Matchers.nullValue());
        Instant start = Instant.parse("2026-11-20T03:00:00Z");
        var base = new dev.capydb.events.BaseBackupPayload(
                UUID.randomUUID(),
                "local-1",
                null,
                "20261120-030000F",
                "full",
                start,
                "0/2000028",
                start.plusSeconds(600),
                1);
        consumer.onBackupEvent(Records.of(EventJson.write(
                EventEnvelope.of(EventType.BASE_BACKUP_COMPLETED, "backup-service", null, null, null, base))));
        // local-1 archives WAL (dev/stack): end the segment the project's creation wrote and wait for the archive.
        try (Connection c = hosts.host("local-1").maintenanceConnection();
                Statement st = c.createStatement()) {
            st.execute("SELECT pg_switch_wal()");
            Waits.until("local-1 archived a WAL segment", () -> {
                try (ResultSet rs = st.executeQuery("SELECT last_archived_time IS NOT NULL FROM pg_stat_archiver")) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            });
        }
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .body("pitr.earliest", equalTo("2026-11-20T03:10:00Z")) // where the base backup ended, not began
                .body("pitr.latest", org.hamcrest.Matchers.notNullValue());
        consumer.onBackupEvent(Records.of(EventJson.write(
                EventEnvelope.of(EventType.BASE_BACKUP_EXPIRED, "backup-service", null, null, null, base))));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .body("pitr.earliest", org.hamcrest.Matchers.not(equalTo("2026-11-20T03:10:00Z")));
    }

    private String importEvent(EventType type, String project) {
        return EventJson.write(EventEnvelope.of(
                type,
                "import-service",
                "acme",
                UUID.fromString(project),
                null,
                new dev.capydb.events.ImportPayload(
                        UUID.randomUUID(),
                        UUID.fromString(project),
                        "url",
                        "postgres://app:****@db.example.com:5432/shop?sslmode=require",
                        true,
                        type == EventType.IMPORT_STARTED ? "running" : "failed",
                        null,
                        null,
                        Instant.now(),
                        null)));
    }

    @Test
    void anImportShowsImportingUntilItEndsAndNeverEndsARestore() throws Exception {
        String id = given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("name", "im-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        consumer.onImportEvent(Records.of(importEvent(EventType.IMPORT_STARTED, id)));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .body("status", equalTo("importing"));
        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{id}", id)
                .then()
                .statusCode(409)
                .body("code", equalTo("project_busy"));
        consumer.onImportEvent(Records.of(importEvent(EventType.IMPORT_FAILED, id)));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .body("status", equalTo("active"));

        // An import refused while a restore overwrites the project leaves the project restoring.
        consumer.onRestoreEvent(Records.of(restoreEvent(EventType.RESTORE_STARTED, id, "project")));
        consumer.onImportEvent(Records.of(importEvent(EventType.IMPORT_FAILED, id)));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .body("status", equalTo("restoring"));
        consumer.onRestoreEvent(Records.of(restoreEvent(EventType.RESTORE_COMPLETED, id, "project")));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .body("status", equalTo("active"));
    }

    @Test
    void overwriteShowsRestoringThenActive() throws Exception {
        String id = given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("name", "st-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        consumer.onRestoreEvent(Records.of(restoreEvent(EventType.RESTORE_STARTED, id, "new_preview")));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .body("status", equalTo("active"));

        consumer.onRestoreEvent(Records.of(restoreEvent(EventType.RESTORE_STARTED, id, "project")));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .body("status", equalTo("restoring"));
        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{id}", id)
                .then()
                .statusCode(409)
                .body("code", equalTo("project_busy"));

        consumer.onRestoreEvent(Records.of(restoreEvent(EventType.RESTORE_COMPLETED, id, "project")));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .body("status", equalTo("active"));

        List<String> statuses = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT payload FROM outbox_event WHERE event_key = '" + id + "' ORDER BY seq")) {
            while (rs.next()) {
                statuses.add(EventJson.read(rs.getString(1)).type() + ":"
                        + EventJson.read(rs.getString(1)).data().get("status").asText());
            }
        }
        assertEquals(
                List.of("project.created:active", "project.updated:restoring", "project.updated:active"), statuses);
    }
}
