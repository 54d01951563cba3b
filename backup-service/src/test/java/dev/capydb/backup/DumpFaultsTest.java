package dev.capydb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capydb.backup.dataplane.BackupFailure;
import dev.capydb.backup.dataplane.BackupVerifier;
import dev.capydb.backup.dataplane.DumpResult;
import dev.capydb.backup.dataplane.ProjectDumper;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.Waits;
import io.quarkiverse.amazon.common.AmazonClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** The dump and verification steps under faults: a killed pg_dump, a corrupted object. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class DumpFaultsTest {

    @Inject
    TestProjects fixtures;

    @Inject
    ProjectDumper dumper;

    @Inject
    BackupVerifier verifier;

    @Inject
    ObjectStore store;

    @Test
    void aKilledPgDumpLeavesNoObject() throws Exception {
        TestProject p = fixtures.withData(400_000);
        String key = "test/killed/" + UUID.randomUUID() + ".dump";
        CompletableFuture<Throwable> dump = CompletableFuture.supplyAsync(() -> {
            try {
                dumper.dump(p.host(), p.database(), p.database(), key, false);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        AtomicInteger killed = new AtomicInteger();
        try (Connection admin = p.host().maintenanceConnection();
                Statement st = admin.createStatement()) {
            // Polled often: pg_dump of the table runs for only a moment, and it must be caught while it does.
            Waits.await("pg_dump is caught running", Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM "
                                + "pg_stat_activity WHERE application_name = 'pg_dump' AND datname = '" + p.database()
                                + "'")) {
                            rs.next();
                            killed.set(rs.getInt(1));
                        }
                        return killed.get() > 0 || dump.isDone();
                    });
        }
        Throwable failure = dump.get();
        assertTrue(killed.get() > 0, "pg_dump finished before it could be killed; make the table bigger");
        assertTrue(failure instanceof BackupFailure, String.valueOf(failure));
        assertTrue(failure.getMessage().startsWith("pg_dump exited with"), failure.getMessage());
        assertEquals(Optional.empty(), store.size("capydb-backups", key), "no partial object may remain");
    }

    @Inject
    dev.capydb.dataplane.ToolRunner tools;

    @Inject
    dev.capydb.dataplane.StorageConfig storage;

    /** quarkus-amazon-s3's client named in %test.quarkus.s3.unreachable.*: storage that is down. */
    @Inject
    @AmazonClient("unreachable")
    S3Client unreachableS3;

    @Inject
    dev.capydb.backup.config.BackupConfig config;

    @Test
    void storageDownFailsTheDumpCleanly() throws Exception {
        TestProject p = fixtures.withData(1000);
        String key = "test/s3-down/" + UUID.randomUUID() + ".dump";
        try (ObjectStore unreachable = new ObjectStore(unreachableS3, storage)) {
            ProjectDumper broken = new ProjectDumper(tools, unreachable, storage, config);
            BackupFailure failure = assertThrows(
                    BackupFailure.class, () -> broken.dump(p.host(), p.database(), p.database(), key, false));
            assertTrue(failure.getMessage().contains("pg_dump"), failure.getMessage());
        }
        // The project is untouched and the next attempt, with storage back, works.
        DumpResult ok = dumper.dump(p.host(), p.database(), p.database(), key, false);
        assertEquals(Optional.of(ok.object().sizeBytes()), store.size("capydb-backups", key));
        store.delete("capydb-backups", key);
    }

    @Test
    void verificationCatchesACorruptedObject() throws Exception {
        TestProject p = fixtures.withData(2000);
        String key = "test/corrupt/" + UUID.randomUUID() + ".dump";
        DumpResult dump = dumper.dump(p.host(), p.database(), p.database(), key, true);
        assertTrue(
                verifier.verify(
                                p.host(),
                                p.database(),
                                p.database(),
                                UUID.randomUUID(),
                                key,
                                dump.object().sha256(),
                                dump.rowCounts())
                        .verified(),
                "an intact backup verifies");

        byte[] bytes;
        try (InputStream in = store.open("capydb-backups", key)) {
            bytes = in.readAllBytes();
        }
        bytes[bytes.length / 2] ^= 0x5a;
        store.upload("capydb-backups", key, new ByteArrayInputStream(bytes));

        BackupVerifier.Verification v = verifier.verify(
                p.host(),
                p.database(),
                p.database(),
                UUID.randomUUID(),
                key,
                dump.object().sha256(),
                dump.rowCounts());
        assertFalse(v.verified());
        JsonNode details = new ObjectMapper().readTree(v.details());
        assertFalse(details.get("checksum_matches").asBoolean(), v.details());
        store.delete("capydb-backups", key);
    }

    @Test
    void verificationNoticesMissingRows() throws Exception {
        TestProject p = fixtures.withData(50);
        String key = "test/rows/" + UUID.randomUUID() + ".dump";
        DumpResult dump = dumper.dump(p.host(), p.database(), p.database(), key, true);
        var expected = new java.util.TreeMap<>(dump.rowCounts());
        expected.put("public.orders", expected.get("public.orders") + 1);
        BackupVerifier.Verification v = verifier.verify(
                p.host(),
                p.database(),
                p.database(),
                UUID.randomUUID(),
                key,
                dump.object().sha256(),
                expected);
        assertFalse(v.verified());
        assertTrue(v.details().contains("public.orders: source 51, restored 50"), v.details());
        store.delete("capydb-backups", key);
    }
}
