package dev.capydb.backup;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.backup.messaging.BackupConsumers;
import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupKind;
import dev.capydb.backup.repository.BackupRepository;
import dev.capydb.backup.service.ScheduleService;
import dev.capydb.events.CutoverPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.testing.HostileTenant;
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
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Backups of a project whose member planted code meant to run as a superuser ({@link HostileTenant}): on-demand with
 * and without verification, scheduled and pre-cutover all complete, the verified ones with exact row counts, and the
 * tenant's code never ran as a superuser.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class TenantIsolationTest {

    @Inject
    TestProjects fixtures;

    @Inject
    BackupConsumers consumers;

    @Inject
    ScheduleService schedules;

    @Inject
    BackupRepository backups;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void onDemandBackupsWithAndWithoutVerification() throws Exception {
        TestProject p = fixtures.withData(20);
        HostileTenant tenant = HostileTenant.plantIn(p);
        for (boolean verify : new boolean[] {true, false}) {
            String id = given().auth()
                    .oauth2(TestTokens.bob())
                    .contentType("application/json")
                    .body(Map.of("label", "hostile-" + verify, "verify", verify))
                    .post("/v1/projects/{p}/backups", p.id())
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("id");
            JsonPath b = BackupApiTest.awaitFinished(p.id(), id);
            assertEquals("completed", b.getString("status"), b.prettify());
            if (verify) {
                assertTrue(b.getBoolean("verified"), b.prettify());
                assertEquals(3, b.getInt("verification.tables_compared"), b.prettify());
                assertEquals(List.of(), b.getList("verification.row_count_differences"), b.prettify());
            }
        }
        assertFalse(tenant.escalated(), "a superuser ran the tenant's code");
    }

    @Test
    void scheduledAndPreCutoverBackups() throws Exception {
        TestProject p = fixtures.withData(5);
        HostileTenant tenant = HostileTenant.plantIn(p);
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("hour", 2, "minute", 30, "active", true, "retention_days", 7))
                .put("/v1/projects/{p}/scheduled-backups/default", p.id())
                .then()
                .statusCode(200);
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("UPDATE backup_schedule SET next_run_at = now() - interval '1 minute' WHERE project_id = '"
                    + p.id() + "'");
        }
        assertEquals(1, schedules.runDue(Instant.now()));
        UUID request = UUID.randomUUID();
        consumers.onCutoverEvent(Records.of(EventJson.write(EventEnvelope.of(
                EventType.CUTOVER_EXECUTION_STARTED,
                "cutover-service",
                "acme",
                p.id(),
                request.toString(),
                new CutoverPayload(request, p.id(), UUID.randomUUID(), "in_progress", "OPS-1", null, null)))));
        List<Backup> made = QuarkusTransaction.requiringNew()
                .call(() -> backups.list(
                        "projectId = ?1 and kind in ?2",
                        p.id(),
                        List.of(BackupKind.SCHEDULED, BackupKind.PRE_CUTOVER)));
        assertEquals(2, made.size());
        for (Backup b : made) {
            JsonPath done = BackupApiTest.awaitFinished(p.id(), b.id.toString());
            assertEquals("completed", done.getString("status"), done.prettify());
        }
        assertFalse(tenant.escalated(), "a superuser ran the tenant's code");
    }
}
