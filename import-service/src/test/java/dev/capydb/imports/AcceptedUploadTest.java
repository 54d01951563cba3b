package dev.capydb.imports;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.readmodel.ProjectBusy;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.imports.dataplane.AcceptedDumps;
import dev.capydb.imports.messaging.ImportEvents;
import dev.capydb.imports.service.ImportService;
import dev.capydb.imports.service.ImportWorker;
import dev.capydb.imports.service.Leftovers;
import dev.capydb.imports.service.SourceGate;
import dev.capydb.imports.service.UploadService;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * An accepted upload import loads the copy frozen at acceptance: the upload's presigned URL stays valid, but what is
 * PUT through it afterwards is not loaded, and it cannot reach the copy; a PUT between the check and the copy
 * refuses the import.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class AcceptedUploadTest {

    @Inject
    Sources sources;

    @Inject
    TestProjects projects;

    @Inject
    ObjectStore store;

    @Inject
    StorageConfig storage;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ImportWorker worker;

    @Inject
    Leftovers leftovers;

    @Inject
    SourceGate gate;

    @Inject
    SecretBox secrets;

    @Inject
    UploadService uploads;

    @Inject
    AcceptedDumps accepted;

    @Inject
    ImportEvents events;

    @Inject
    ProjectBusy busy;

    /** What the worker saw once it held the project, before it read anything. */
    record Seen(
            String acceptedKey,
            int swapExit,
            String uploadAfterSwap,
            String copyAfterSwap,
            int forgedExit,
            String copyAfterForgery) {}

    @Test
    void anUploadWrittenAgainAfterItsImportWasAcceptedIsNotWhatLoads() throws Exception {
        TestProject p = sources.emptyProject();
        Path[] dumps = sameSize(
                "CREATE TABLE first_rows (id int);\nINSERT INTO first_rows VALUES (1), (2), (3);\n",
                "CREATE TABLE second_rows (id int);\nINSERT INTO second_rows VALUES (4);\n");
        JsonPath slot = Sources.slot(p, dumps[0]);
        String uploadId = slot.getString("upload_id");
        String uploadKey = "projects/" + p.id() + "/uploads/" + uploadId + ".dump";
        assertEquals(0, Sources.put(dumps[0], slot.getString("upload_url")));

        AtomicReference<Seen> seen = new AtomicReference<>();
        AtomicReference<Throwable> hookFailed = new AtomicReference<>();
        QuarkusMock.installMockForType(
                new ImportService(gate, secrets, uploads, accepted, events, busy) {
                    @Override
                    public void started(UUID importId) {
                        super.started(importId);
                        // The worker holds the project and has read nothing yet: the client writes the upload again
                        // now,
                        // through its still valid URL, and then tries the same URL on the copy's key.
                        try {
                            String key = acceptedKey(importId);
                            int swap = Sources.put(dumps[1], slot.getString("upload_url"));
                            String upload = store.sha256Of(storage.importsBucket(), uploadKey);
                            String copy = store.sha256Of(storage.importsBucket(), key);
                            int forged = Sources.put(
                                    dumps[1], slot.getString("upload_url").replace(uploadKey, key));
                            seen.set(new Seen(
                                    key, swap, upload, copy, forged, store.sha256Of(storage.importsBucket(), key)));
                        } catch (Exception e) {
                            hookFailed.set(e);
                        }
                    }
                },
                ImportService.class);

        String id = ImportTest.start(p, TestTokens.bob(), ImportTest.body("upload_id", uploadId));
        JsonPath done = Sources.await(p, id);
        assertNull(hookFailed.get());
        assertEquals("completed", done.getString("status"), done.prettify());

        Seen s = seen.get();
        assertNotNull(s, "the worker started the import");
        assertEquals("accepted/" + id + ".dump", s.acceptedKey(), "the row names the copy");
        assertFalse(s.acceptedKey().startsWith("projects/"), "no upload slot signs a key there");
        assertEquals(0, s.swapExit(), "the slot's URL still takes a PUT of its size");
        assertEquals(sha256(dumps[1]), s.uploadAfterSwap(), "the upload itself was replaced");
        assertEquals(sha256(dumps[0]), s.copyAfterSwap(), "the copy is the first upload");
        assertNotEquals(0, s.forgedExit(), "the slot's signature does not cover the copy's key");
        assertEquals(sha256(dumps[0]), s.copyAfterForgery(), "the copy is unchanged");

        assertEquals(List.of("first_rows:" + p.database()), Sources.tables(p.connect()), "the first dump loaded");
        assertEquals(3, Sources.count(p.connect(), "SELECT count(*) FROM first_rows"));
        assertEquals(
                Optional.empty(),
                store.size(storage.importsBucket(), s.acceptedKey()),
                "the copy is deleted once the import ended");
        assertEquals(
                Optional.empty(),
                store.size(storage.importsBucket(), uploadKey),
                "the upload is deleted after a successful import, as before");
    }

    @Test
    void anUploadWrittenAgainBetweenItsCheckAndItsCopyIsRefusedAndNothingIsCreated() throws Exception {
        TestProject p = sources.emptyProject();
        Path[] dumps = sameSize("CREATE TABLE first_rows (id int);\n", "CREATE TABLE other_rows (id int);\n");
        JsonPath slot = Sources.slot(p, dumps[0]);
        assertEquals(0, Sources.put(dumps[0], slot.getString("upload_url")));

        AtomicReference<String> copyKey = new AtomicReference<>();
        QuarkusMock.installMockForType(
                new AcceptedDumps(store, storage) {
                    @Override
                    public boolean copyIfUnchanged(String uploadKey, Version checked, String acceptedKey) {
                        copyKey.set(acceptedKey);
                        try {
                            // The client's second PUT lands after the size check and before the copy.
                            assertEquals(0, Sources.put(dumps[1], slot.getString("upload_url")));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return super.copyIfUnchanged(uploadKey, checked, acceptedKey);
                    }
                },
                AcceptedDumps.class);

        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("upload_id", slot.getString("upload_id")))
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("code", equalTo("upload_changed"));
        assertNotNull(copyKey.get(), "the copy was attempted");
        assertEquals(Optional.empty(), store.size(storage.importsBucket(), copyKey.get()), "no copy was made");
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void anOpenImportKeepsItsCopyAndAnEndedOneLosesIt() throws Exception {
        TestProject p = projects.withData(1);
        UUID running = runningImport(p);
        UUID failed = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO import_job (id, project_id, org_id, source_kind, source, accepted_key, recreate, "
                    + "status, phase, created_at, completed_at) VALUES ('" + failed + "', '" + p.id() + "', 'acme', "
                    + "'upload', 'x.dump', '" + AcceptedDumps.keyFor(failed)
                    + "', false, 'FAILED', 'loading', now(), now())");
        }
        UUID orphan = UUID.randomUUID();
        for (UUID id : List.of(running, failed, orphan)) {
            store.client()
                    .putObject(
                            b -> b.bucket(storage.importsBucket()).key(AcceptedDumps.keyFor(id)),
                            RequestBody.fromString("-- a dump\n"));
        }

        leftovers.reapAcceptedCopies();
        assertTrue(exists(running), "a running import's copy stays: its worker reads it");
        assertFalse(exists(failed), "an ended import's copy is deleted");
        assertTrue(exists(orphan), "a fresh copy no import names yet may be a request still writing its row");

        // Its worker died: the import is decided without being run again, and its copy goes with it.
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("UPDATE import_job SET lease_until = now() - interval '1 minute' WHERE id = '" + running + "'");
        }
        worker.engine().reap();
        assertEquals("failed", Sources.await(p, running.toString()).getString("status"));
        assertFalse(exists(running));
        accepted.delete(AcceptedDumps.keyFor(orphan));
    }

    @Test
    void anImportAcceptedBeforeCopiesExistedStillLoadsItsUpload() throws Exception {
        TestProject p = sources.emptyProject();
        Path dump = sameSize("CREATE TABLE early_rows (id int);\nINSERT INTO early_rows VALUES (1);\n", "")[0];
        String uploadId = Sources.upload(p, dump);
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute(
                    "INSERT INTO import_job (id, project_id, org_id, source_kind, source, upload_id, recreate, status, "
                            + "phase, created_at) VALUES ('" + id + "', '" + p.id()
                            + "', 'acme', 'upload', 'early.sql', '"
                            + uploadId + "', false, 'PENDING', 'queued', now())");
        }
        worker.engine().wake();
        JsonPath done = Sources.await(p, id.toString());
        assertEquals("completed", done.getString("status"), done.prettify());
        assertEquals(List.of("early_rows:" + p.database()), Sources.tables(p.connect()));
    }

    /** An import some other replica's worker runs (its lease is live), loading its frozen copy. */
    private UUID runningImport(TestProject p) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("INSERT INTO import_job (id, project_id, org_id, source_kind, source, accepted_key, recreate, "
                    + "status, phase, attempt, lease_until, worker, created_at, started_at) VALUES ('" + id + "', '"
                    + p.id() + "', 'acme', 'upload', 'x.dump', '" + AcceptedDumps.keyFor(id) + "', false, 'RUNNING', "
                    + "'loading', 1, now() + interval '1 hour', 'elsewhere', now(), now())");
        }
        return id;
    }

    private boolean exists(UUID importId) {
        return store.size(storage.importsBucket(), AcceptedDumps.keyFor(importId))
                .isPresent();
    }

    private String acceptedKey(UUID importId) throws Exception {
        return Sources.text(
                dataSource.getConnection(), "SELECT accepted_key FROM import_job WHERE id = '" + importId + "'");
    }

    /** Two plain SQL dumps of one size (an upload URL takes only its declared size), the shorter padded. */
    private static Path[] sameSize(String a, String b) throws Exception {
        int size = Math.max(a.length(), b.length()) + 3;
        Path[] files = new Path[2];
        int i = 0;
        for (String sql : new String[] {a, b}) {
            files[i] = Files.createTempFile("accepted-upload", ".sql");
            Files.writeString(
                    files[i], sql + "--" + " ".repeat(size - sql.length() - 3) + "\n", StandardCharsets.US_ASCII);
            i++;
        }
        return files;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
