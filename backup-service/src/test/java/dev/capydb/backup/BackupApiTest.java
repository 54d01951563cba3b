package dev.capydb.backup;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import dev.capydb.testing.Waits;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Backups through the API, for real: pg_dump into object storage, checksums, restorable, verified, failures. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class BackupApiTest {

    @Inject
    TestProjects fixtures;

    @Inject
    ObjectStore store;

    @Inject
    ToolRunner tools;

    @Inject
    DatabaseProvisioner provisioner;

    @Inject
    AgroalDataSource dataSource;

    static JsonPath awaitFinished(UUID project, String backupId) {
        return Waits.until(
                Duration.ofSeconds(90),
                "backup " + backupId + " finishes",
                () -> given().auth()
                        .oauth2(TestTokens.bob())
                        .get("/v1/projects/{p}/backups/{b}", project, backupId)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath(),
                b -> b.getString("status").matches("completed|failed"),
                JsonPath::prettify);
    }

    private String start(UUID project, Map<String, Object> body) {
        var response = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(body)
                .post("/v1/projects/{p}/backups", project)
                .then()
                .statusCode(202)
                .body("status", equalTo("pending"))
                .extract();
        assertEquals("/v1/projects/" + project + "/backups/" + response.path("id"), response.header("Location"));
        return response.path("id");
    }

    @Test
    void theContractSaysWhatAStartedBackupAnswers() {
        JsonPath doc = given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        String create = "paths.'/v1/projects/{projectId}/backups'.post.responses";
        assertEquals(
                "#/components/schemas/BackupBody",
                doc.getString(create + ".'202'.content.'application/json'.schema.'$ref'"),
                "202 with the job");
        assertTrue(doc.<Object>get(create + ".'200'") == null, "never a 200");
        for (String refusal : List.of("401", "403", "404", "409", "422", "429")) {
            assertEquals(
                    "#/components/schemas/Problem",
                    doc.getString(create + ".'" + refusal + "'.content.'application/problem+json'.schema.'$ref'"),
                    refusal);
        }
        assertEquals(Boolean.FALSE, doc.<Boolean>get("components.schemas.CreateBackup.additionalProperties"));
        assertEquals("createBackup", doc.getString("paths.'/v1/projects/{projectId}/backups'.post.operationId"));
        assertEquals(List.of("Backups"), doc.getList("paths.'/v1/projects/{projectId}/backups'.post.tags"));
        assertEquals(
                Boolean.TRUE,
                doc.<Boolean>get("components.schemas.BackupBody.properties.error.nullable"),
                "error is null until a failure");
        assertTrue(doc.getMap("paths.'/v1/projects/{projectId}/backups/{backupId}'.delete.responses")
                .containsKey("204"));
    }

    @Test
    void backupIsAPgDumpInStorageThatRestoresTheSameRows() throws Exception {
        TestProject p = fixtures.withData(500);
        String id = start(p.id(), Map.of("label", "before-migration"));
        JsonPath b = awaitFinished(p.id(), id);
        assertEquals("completed", b.getString("status"), b.prettify());
        assertEquals("before-migration", b.getString("label"));
        assertEquals("manual", b.getString("kind"));
        String key = b.getString("backup_key");
        long size = b.getLong("size_bytes");
        assertEquals(Optional.of(size), store.size("capydb-backups", key));
        assertEquals(b.getString("sha256"), store.sha256Of("capydb-backups", key));

        // pg_restore --list parses the object.
        ByteArrayOutputStream toc = new ByteArrayOutputStream();
        ToolResult list = tools.run(ToolInvocation.of("pg_restore")
                .args("--list")
                .stdin(in -> {
                    try (InputStream o = store.open("capydb-backups", key)) {
                        o.transferTo(in);
                    }
                })
                .stdout(out -> out.transferTo(toc))
                .build());
        assertTrue(list.succeeded(), list.describeFailure("pg_restore"));
        assertTrue(toc.toString(StandardCharsets.UTF_8).contains("TABLE DATA public orders"));

        // Restoring it yields the same rows.
        String copy =
                "bk_restore_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection admin = p.host().maintenanceConnection();
                Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + copy);
        }
        try {
            ToolResult restore = tools.run(ToolInvocation.of("pg_restore")
                    .args("--no-owner", "--dbname=" + copy)
                    .env(p.host().adminToolEnv())
                    .stdin(in -> {
                        try (InputStream o = store.open("capydb-backups", key)) {
                            o.transferTo(in);
                        }
                    })
                    .build());
            assertTrue(restore.succeeded(), restore.describeFailure("pg_restore"));
            assertEquals(
                    rows(p.host().adminConnection(p.database())), rows(p.host().adminConnection(copy)));
        } finally {
            provisioner.drop(p.host(), copy, "nobody_at_all");
        }

        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/backups", p.id())
                .then()
                .statusCode(200)
                .body("items.id", hasItem(id))
                .body("items[0].id", equalTo(id));
        assertEquals(List.of("backup.completed", "job.completed"), outboxTypes(p.id()));
    }

    @Test
    void verifiedBackupComparesRowCountsOfARealRestore() throws Exception {
        TestProject p = fixtures.withData(120);
        JsonPath b = awaitFinished(p.id(), start(p.id(), Map.of("verify", true)));
        assertEquals("completed", b.getString("status"), b.prettify());
        assertTrue(b.getBoolean("verified"));
        assertEquals(2, b.getInt("verification.tables_compared"));
        assertTrue(b.getList("verification.row_count_differences").isEmpty());
        assertTrue(b.getBoolean("verification.checksum_matches"));
        try (Connection c = p.host().maintenanceConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'verify_%'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "the scratch database is dropped");
        }
    }

    @Test
    void aFailedDumpIsAFailedJobWithNoObject() throws Exception {
        TestProject p = fixtures.withoutDatabase();
        JsonPath b = awaitFinished(p.id(), start(p.id(), Map.of()));
        assertEquals("failed", b.getString("status"));
        assertTrue(b.getString("error").contains("does not exist"), b.getString("error"));
        assertFalse(b.getString("error").contains("capydb-admin"), "no password in errors");
        assertEquals(Optional.empty(), store.size("capydb-backups", b.getString("backup_key")));
        assertEquals(List.of("backup.failed", "job.failed"), outboxTypes(p.id()));
    }

    @Test
    void badInputAndOtherOrgsAreRefused() throws Exception {
        TestProject p = fixtures.withData(1);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("label", "x".repeat(101)))
                .post("/v1/projects/{p}/backups", p.id())
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("label"));
        given().auth()
                .oauth2(TestTokens.carol())
                .contentType("application/json")
                .body(Map.of())
                .post("/v1/projects/{p}/backups", p.id())
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of())
                .post("/v1/projects/{p}/backups", UUID.randomUUID())
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/backups/{b}", p.id(), UUID.randomUUID())
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/backups?include=everything", p.id())
                .then()
                .statusCode(422);
        given().contentType("application/json")
                .body(Map.of())
                .post("/v1/projects/{p}/backups", p.id())
                .then()
                .statusCode(401);

        // Idempotency-Key: the same request twice is one backup.
        String first = given().auth()
                .oauth2(TestTokens.bob())
                .header("Idempotency-Key", "abc-1")
                .contentType("application/json")
                .body(Map.of())
                .post("/v1/projects/{p}/backups", p.id())
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        given().auth()
                .oauth2(TestTokens.bob())
                .header("Idempotency-Key", "abc-1")
                .contentType("application/json")
                .body(Map.of())
                .post("/v1/projects/{p}/backups", p.id())
                .then()
                .statusCode(202)
                .body("id", equalTo(first));

        // While a restore holds the project, a backup is refused up front.
        fixtures.announce(p.id(), p.database(), "restoring", 2);
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of())
                .post("/v1/projects/{p}/backups", p.id())
                .then()
                .statusCode(409)
                .body("code", equalTo("project_busy"));
        fixtures.announce(p.id(), p.database(), "active", 3);

        awaitFinished(p.id(), first);
        given().auth()
                .oauth2(TestTokens.bob())
                .delete("/v1/projects/{p}/backups/{b}", p.id(), first)
                .then()
                .statusCode(403)
                .body("code", equalTo("forbidden"));
        String key = given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/backups/{b}", p.id(), first)
                .then()
                .extract()
                .path("backup_key");
        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{p}/backups/{b}", p.id(), first)
                .then()
                .statusCode(204);
        assertEquals(Optional.empty(), store.size("capydb-backups", key));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/backups", p.id())
                .then()
                .body("items.id", not(hasItem(first)));
    }

    static Map<String, Long> rows(Connection c) throws Exception {
        try (c;
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT (SELECT count(*) FROM public.orders), (SELECT sum(total) FROM public.orders), "
                                + "(SELECT count(*) FROM public.customers)")) {
            rs.next();
            return Map.of(
                    "orders",
                    rs.getLong(1),
                    "orders_total",
                    rs.getBigDecimal(2).longValue(),
                    "customers",
                    rs.getLong(3));
        }
    }

    List<String> outboxTypes(UUID project) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT type FROM outbox_event WHERE event_key = '" + project + "' ORDER BY seq")) {
            List<String> types = new ArrayList<>();
            while (rs.next()) {
                types.add(rs.getString(1));
            }
            return types;
        }
    }
}
