package dev.capydb.restore;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.events.CutoverPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.restore.messaging.BackupEventsConsumer;
import dev.capydb.restore.messaging.CutoverConsumer;
import dev.capydb.restore.repository.Restore;
import dev.capydb.testing.HostileTenant;
import dev.capydb.testing.Records;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
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

/**
 * Restores of a project whose member planted code meant to run as a superuser ({@link HostileTenant}): into a new
 * preview, over production and by cutover promotion, each loads the tenant's CHECK constraints, index expressions and
 * materialized view as the target's own role, completes, leaves the SECURITY DEFINER function the target role's,
 * and never runs the tenant's code as a superuser. (The point-in-time variant is in {@link PitrRestoreTest}.)
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class TenantIsolationTest {

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

    @Test
    void restoresOfAHostileTenantsBackupRunItsCodeAsItsOwnRole() throws Exception {
        TestProject p = projects.withData(10);
        HostileTenant tenant = HostileTenant.plantIn(p);
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
        JsonPath preview = RestoreToNewPreviewTest.awaitRestore(p.id(), made);
        assertEquals("completed", preview.getString("status"), preview.prettify());
        String previewId = preview.getString("preview_id");
        String previewUrl = given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}/connection", p.id(), previewId)
                .then()
                .extract()
                .path("database_url");
        try (Connection c = RestoreToNewPreviewTest.connect(previewUrl)) {
            assertEquals(HostileTenant.GUARDED_ROWS, guarded(c));
            assertEquals("pv_" + previewId.replace("-", ""), HostileTenant.definerOwner(c));
        }

        String overwrite = given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "target_kind", "project", "confirm_project_overwrite", true))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        JsonPath overwritten = RestoreToNewPreviewTest.awaitRestore(p.id(), overwrite);
        assertEquals("completed", overwritten.getString("status"), overwritten.prettify());
        try (Connection c = p.connect()) {
            assertEquals(HostileTenant.GUARDED_ROWS, guarded(c));
            assertEquals(p.database(), HostileTenant.definerOwner(c));
        }

        UUID request = UUID.randomUUID();
        cutovers.onCutoverEvent(Records.of(EventJson.write(EventEnvelope.of(
                EventType.CUTOVER_PROMOTE_STARTED,
                "cutover-service",
                "acme",
                p.id(),
                request.toString(),
                new CutoverPayload(
                        request,
                        p.id(),
                        UUID.fromString(previewId),
                        "in_progress",
                        "OPS-7",
                        UUID.randomUUID(),
                        null)))));
        List<Restore> promotions = QuarkusTransaction.requiringNew()
                .call(() -> Restore.<Restore>list("projectId = ?1 and correlationId = ?2", p.id(), request.toString()));
        JsonPath promoted = RestoreToNewPreviewTest.awaitRestore(
                p.id(), promotions.get(0).id.toString());
        assertEquals("completed", promoted.getString("status"), promoted.prettify());
        try (Connection c = p.connect()) {
            assertEquals(p.database(), HostileTenant.definerOwner(c));
        }
        assertFalse(tenant.escalated(), "a superuser ran the tenant's code");
    }

    static long guarded(Connection c) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM public.guarded")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
