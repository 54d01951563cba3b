package dev.capydb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.cli.FakeServer.Answer;
import dev.capydb.cli.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** --wait polls the job with a progress line on stderr; exit 0 on completed, 1 with the job's error on failed. */
class WaitTest extends FakeApiTest {

    @Test
    void backupsCreateWaitPollsUntilCompleted() {
        api.json("POST", "/v1/projects/" + P + "/backups", 202, "{\"id\":\"" + B1 + "\",\"status\":\"pending\"}");
        api.on(
                "GET",
                "/v1/projects/" + P + "/backups/" + B1,
                Answer.json(200, "{\"id\":\"" + B1 + "\",\"status\":\"running\"}"),
                Answer.json(200, "{\"id\":\"" + B1 + "\",\"status\":\"running\"}"),
                Answer.json(
                        200,
                        "{\"id\":\"" + B1 + "\",\"status\":\"completed\",\"size_bytes\":5242880,"
                                + "\"backup_key\":\"k\"}"));
        Cli.Result r = cli.run("backups", "create", "--label", "L", "--wait");
        assertEquals(0, r.code(), r.err());
        assertEquals(
                3, api.requests("GET", "/v1/projects/" + P + "/backups/" + B1).size());
        String[] progress = r.err().split("\n");
        // Not a terminal: one line per change, not per poll.
        assertEquals(3, progress.length, r.err());
        assertTrue(progress[0].matches("backup b1000000: pending  0:0\\d"), progress[0]);
        assertTrue(progress[1].startsWith("backup b1000000: running  "), progress[1]);
        assertTrue(progress[2].startsWith("backup b1000000: completed · 5.0 MB  "), progress[2]);
        assertTrue(r.out().contains("backup_key: k"), r.out());
    }

    @Test
    void restoreWaitShowsPhaseAndBytesAndJsonPrintsTheFinalResource() {
        api.json(
                "POST",
                "/v1/projects/" + P + "/restores",
                202,
                "{\"id\":\"" + R1 + "\",\"status\":\"pending\",\"phase\":\"queued\"}");
        api.on(
                "GET",
                "/v1/projects/" + P + "/restores/" + R1,
                Answer.json(
                        200,
                        "{\"id\":\"" + R1 + "\",\"status\":\"running\",\"phase\":\"loading\",\"bytes_done\":2048}"),
                Answer.json(
                        200,
                        "{\"id\":\"" + R1 + "\",\"status\":\"completed\",\"phase\":\"done\",\"preview_id\":\"" + PV
                                + "\"}"));
        Cli.Result r =
                cli.run("restore", "--backup-key", "k", "--preview-name", "n", "--ttl-hours", "2", "--wait", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(PV, Json.parse(r.out()).get("preview_id").asText());
        assertTrue(r.err().contains("restore a1000000: running · loading · 2.0 KB"), r.err());
    }

    @Test
    void aFailedJobExitsOneWithItsError() {
        api.json("POST", "/v1/projects/" + P + "/imports", 202, "{\"id\":\"" + I1 + "\",\"status\":\"pending\"}");
        api.json(
                "GET",
                "/v1/projects/" + P + "/imports/" + I1,
                200,
                "{\"id\":\"" + I1 + "\",\"status\":\"failed\",\"error\":\"extension timescaledb is not available\"}");
        Cli.Result r = cli.run("import", "--source-url", "postgres://h/db", "--recreate", "--wait");
        assertEquals(1, r.code());
        assertTrue(
                r.err()
                        .endsWith("Error: import " + I1 + " failed: extension timescaledb is not available "
                                + "(code: import_failed)\n"),
                r.err());
        assertEquals(
                "{\"source_url\":\"postgres://h/db\",\"recreate\":true}",
                api.requests("POST", "/v1/projects/" + P + "/imports").get(0).text());
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlace() {
        cli.tty = true;
        api.json("POST", "/v1/projects/" + P + "/backups", 202, "{\"id\":\"" + B1 + "\",\"status\":\"pending\"}");
        api.json(
                "GET", "/v1/projects/" + P + "/backups/" + B1, 200, "{\"id\":\"" + B1 + "\",\"status\":\"completed\"}");
        Cli.Result r = cli.run("backups", "create", "--wait");
        assertEquals(0, r.code());
        assertTrue(
                r.err().startsWith("\rbackup b1000000: pending")
                        && r.err().contains("\rbackup b1000000: completed")
                        && r.err().endsWith("\n"),
                r.err());
    }

    @Test
    void importFileUploadsToThePresignedUrlWithAProgressBarThenStartsTheImport() throws Exception {
        byte[] dump = new byte[3 * 1024 * 1024 + 17];
        Arrays.fill(dump, (byte) 'x');
        Path file = dir.resolve("app.dump");
        Files.write(file, dump);
        api.json(
                "POST",
                "/v1/projects/" + P + "/imports/uploads",
                201,
                "{\"upload_id\":\"" + U1 + "\",\"filename\":"
                        + "\"app.dump\",\"size_bytes\":" + dump.length + ",\"upload_url\":\"" + api.url()
                        + "/capydb-imports/u1?X-Amz-Signature=abc\",\"method\":\"PUT\",\"expires_at\":\"2026-11-21T09:38:53Z\"}");
        api.on("PUT", "/capydb-imports/u1", new Answer(200, null, null));
        api.json("POST", "/v1/projects/" + P + "/imports", 202, "{\"id\":\"" + I1 + "\",\"status\":\"pending\"}");
        api.json(
                "GET", "/v1/projects/" + P + "/imports/" + I1, 200, "{\"id\":\"" + I1 + "\",\"status\":\"completed\"}");

        Cli.Result r = cli.run("import", "--file", file.toString(), "--recreate", "--wait");
        assertEquals(0, r.code(), r.err());
        assertEquals(
                "{\"filename\":\"app.dump\",\"size_bytes\":" + dump.length + "}",
                api.requests("POST", "/v1/projects/" + P + "/imports/uploads")
                        .get(0)
                        .text());
        FakeServer.Seen put = api.requests("PUT", "/capydb-imports/u1").get(0);
        assertEquals("/capydb-imports/u1?X-Amz-Signature=abc", put.pathAndQuery());
        assertEquals(dump.length, put.body().length);
        assertEquals(String.valueOf(dump.length), put.header("Content-Length"));
        assertTrue(put.header("Authorization") == null, "the bearer token never goes to object storage");
        assertEquals(
                "{\"upload_id\":\"" + U1 + "\",\"recreate\":true}",
                api.exact("POST", "/v1/projects/" + P + "/imports").get(0).text());
        assertTrue(r.err().contains("] 100%  3.0 MB/3.0 MB  "), r.err());
        assertTrue(r.err().contains(" MB/s"), r.err());
    }

    @Test
    void importFileThatThePlanRefusesStopsBeforeUploading() throws Exception {
        Path file = Files.writeString(dir.resolve("big.dump"), "PGDMP");
        api.on(
                "POST",
                "/v1/projects/" + P + "/imports/uploads",
                Answer.problem(422, "dump_too_large", "the dump exceeds the plan's storage limit"));
        Cli.Result r = cli.run("import", "--file", file.toString(), "--recreate", "--wait");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("(code: dump_too_large)"), r.err());
        assertEquals(
                0,
                api.exact("POST", "/v1/projects/" + P + "/imports").size()
                        + api.requests("PUT", "/").size());
    }
}
