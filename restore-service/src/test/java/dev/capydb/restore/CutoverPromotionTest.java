package dev.capydb.restore;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.events.CutoverPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.restore.messaging.BackupEventsConsumer;
import dev.capydb.restore.messaging.CutoverConsumer;
import dev.capydb.restore.repository.Restore;
import dev.capydb.testing.Records;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Cutover step 6: the preview is copied over production once, and the overwrite is audited with the backup id. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class CutoverPromotionTest {

    @Inject
    TestProjects projects;

    @Inject
    ToolRunner tools;

    @Inject
    ObjectStore store;

    @Inject
    BackupEventsConsumer backupEvents;

    @Inject
    CutoverConsumer cutovers;

    @Inject
    AgroalDataSource dataSource;

    private static long orders(Connection c) throws Exception {
        try (c;
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String promote(TestProject p, UUID request, UUID preview, UUID backup) {
        return EventJson.write(EventEnvelope.of(
                EventType.CUTOVER_PROMOTE_STARTED,
                "cutover-service",
                "acme",
                p.id(),
                request.toString(),
                new CutoverPayload(request, p.id(), preview, "in_progress", "OPS-7", backup, null)));
    }

    @Test
    void thePreviewReplacesProductionOnceAndTheOverwriteIsAudited() throws Exception {
        TestProject p = projects.withData(10);
        String key = RestoreToNewPreviewTest.backupOf(p, tools, store, backupEvents);
        String made = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        String previewId = RestoreToNewPreviewTest.awaitRestore(p.id(), made).getString("preview_id");
        String previewUrl = given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}/connection", p.id(), previewId)
                .then()
                .extract()
                .path("database_url");
        try (Connection c = RestoreToNewPreviewTest.connect(previewUrl);
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO orders (customer, total) SELECT 3, 3 FROM generate_series(1, 7)");
        }

        UUID request = UUID.randomUUID();
        UUID backup = UUID.randomUUID();
        String event = promote(p, request, UUID.fromString(previewId), backup);
        cutovers.onCutoverEvent(Records.of(event));
        cutovers.onCutoverEvent(Records.of(event));
        List<Restore> promotions = QuarkusTransaction.requiringNew()
                .call(() -> Restore.<Restore>list("projectId = ?1 and correlationId = ?2", p.id(), request.toString()));
        assertEquals(1, promotions.size(), "one promotion per cutover request");
        JsonPath done = RestoreToNewPreviewTest.awaitRestore(
                p.id(), promotions.get(0).id.toString());
        assertEquals("completed", done.getString("status"), done.prettify());
        assertEquals(17, orders(p.connect()), "production now holds the preview's data, same connection string");

        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT type, payload FROM outbox_event WHERE event_key = '" + p.id()
                        + "' AND type IN " + "('restore.completed', 'production_overwrite_restore') AND payload LIKE '%"
                        + request + "%' ORDER BY seq")) {
            assertTrue(rs.next());
            assertEquals("restore.completed", rs.getString(1));
            assertTrue(rs.next());
            assertEquals("production_overwrite_restore", rs.getString(1));
            assertEquals(
                    backup.toString(),
                    EventJson.read(rs.getString(2))
                            .data()
                            .get("pre_cutover_backup_id")
                            .asText());
        }
    }

    @Test
    void anExpiredPreviewIsNeverPromoted() throws Exception {
        TestProject p = projects.withData(4);
        String key = RestoreToNewPreviewTest.backupOf(p, tools, store, backupEvents);
        String made = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        UUID previewId = UUID.fromString(
                RestoreToNewPreviewTest.awaitRestore(p.id(), made).getString("preview_id"));
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("UPDATE preview SET status = 'EXPIRED' WHERE id = '" + previewId + "'");
        }
        UUID request = UUID.randomUUID();
        cutovers.onCutoverEvent(Records.of(promote(p, request, previewId, UUID.randomUUID())));
        Restore r = QuarkusTransaction.requiringNew()
                .call(() -> Restore.<Restore>find("correlationId", request.toString())
                        .firstResult());
        assertEquals("FAILED", r.status.name());
        assertTrue(r.error.contains("is expired"), r.error);
        assertEquals(4, orders(p.connect()), "production untouched");
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT count(*) FROM outbox_event WHERE type = 'restore.failed' AND payload LIKE '%" + request
                                + "%'")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }

    @Test
    void aPromotionOfAnUnknownPreviewFailsVisibly() throws Exception {
        TestProject p = projects.withData(1);
        UUID request = UUID.randomUUID();
        cutovers.onCutoverEvent(Records.of(promote(p, request, UUID.randomUUID(), UUID.randomUUID())));
        Restore r = QuarkusTransaction.requiringNew()
                .call(() -> Restore.<Restore>find("correlationId", request.toString())
                        .firstResult());
        assertEquals("FAILED", r.status.name());
        assertEquals(1, orders(p.connect()), "production untouched");
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT count(*) FROM outbox_event WHERE type = 'restore.failed' AND payload LIKE '%" + request
                                + "%'")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }
}
