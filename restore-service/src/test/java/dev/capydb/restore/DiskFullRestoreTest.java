package dev.capydb.restore;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.restore.messaging.BackupEventsConsumer;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The data-plane disk filling up during a restore into a new preview, on a real cluster whose data directory is a
 * size-limited filesystem ({@link SizeLimitedHost}): the restore fails with an error that says the host ran out of
 * space, the half-restored database is dropped (the preview shows {@code failed}), and production keeps every row.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(value = SizeLimitedHost.class, restrictToAnnotatedClass = true)
class DiskFullRestoreTest {

    @Inject
    TestProjects projects;

    @Inject
    ToolRunner tools;

    @Inject
    ObjectStore store;

    @Inject
    BackupEventsConsumer backupEvents;

    @Inject
    HostRegistry hosts;

    @Test
    void aRestoreThatFillsTheDiskFailsClearlyAndLeavesNoHalfPreview() throws Exception {
        // About 45 MB: it fits on the volume once, not twice.
        TestProject p = projects.withData(500_000, SizeLimitedHost.ID);
        String before = digest(p);
        String key = RestoreToNewPreviewTest.backupOf(p, tools, store, backupEvents);
        long freeBefore = freeBytes();

        var accepted = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("backup_key", key, "ttl_hours", 1))
                .post("/v1/projects/{p}/restores", p.id())
                .then()
                .statusCode(202)
                .extract();
        JsonPath done = RestoreToNewPreviewTest.awaitRestore(p.id(), accepted.path("id"));
        String previewDb = "pv_" + accepted.<String>path("preview_id").replace("-", "");

        System.out.printf(
                "faults: disk_full_during_restore free_before=%d restore=%s error=%s%n",
                freeBefore, done.getString("status"), done.getString("error"));
        assertEquals("failed", done.getString("status"), done.prettify());
        assertTrue(done.getString("error").contains("out of disk space"), done.getString("error"));
        assertFalse(exists(previewDb), "the half-restored preview database is dropped");
        assertEquals(before, digest(p), "production keeps every row");
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/previews/{v}", p.id(), accepted.<String>path("preview_id"))
                .then()
                .statusCode(200)
                .body("status", equalTo("failed"));
    }

    private String digest(TestProject p) throws Exception {
        try (Connection c = p.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) || ':' || sum(total) FROM orders")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private boolean exists(String database) throws Exception {
        try (Connection c = hosts.host(SizeLimitedHost.ID).maintenanceConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + database + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    private long freeBytes() throws Exception {
        return java.nio.file.Files.getFileStore(SizeLimitedHost.volume).getUsableSpace();
    }
}
