package dev.capydb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.cli.api.Json;
import org.junit.jupiter.api.Test;

/** Command lines as the product pages write them, turned into the right requests; bad ones exit 2. */
class ArgumentParsingTest extends FakeApiTest {

    static final String BACKUP = "{\"id\":\"" + B1 + "\",\"status\":\"pending\",\"label\":\"L\"}";

    @Test
    void helpListsEveryCommandGroupAndExitsZero() {
        Cli.Result r = cli.run("--help");
        assertEquals(0, r.code());
        for (String c : new String[] {
            "login",
            "projects",
            "backups",
            "restore-points",
            "restore",
            "previews",
            "import",
            "cutovers",
            "webhooks",
            "integrations",
            "audit"
        }) {
            assertTrue(r.out().contains("  " + c + " "), c + " missing from\n" + r.out());
        }
    }

    @Test
    void usageErrorsExitTwoWithAHint() {
        assertUsage(cli.run("backups"), "Missing required subcommand");
        assertUsage(cli.run("backups", "list", "--bogus"), "Unknown option");
        assertUsage(cli.run("restore-points", "create", "--label", "x", "--kind", "weekly"), "--kind");
        assertUsage(cli.run("restore-points", "create", "--label", "x", "--kind", "backup"), "--backup-key");
        assertUsage(cli.run("restore", "--backup-key", "k", "--restore-time", "2026-06-09T14:30:00Z"), "exactly one");
        assertUsage(cli.run("restore", "--preview-name", "n"), "exactly one");
        assertUsage(cli.run("restore", "--backup-key", "k", "--target-kind", "preview"), "--preview-id");
        assertUsage(cli.run("import"), "exactly one of --source-url and --file");
        assertUsage(cli.run("import", "--file", dir.resolve("missing.dump").toString()), "no such file");
        assertUsage(cli.run("import", "preflight"), "--source-url");
        assertUsage(cli.run("projects", "delete", P), "--yes");
        // The SDK types ids, times and some words: a malformed one is caught before any call.
        assertUsage(cli.run("backups", "get", "b1"), "BACKUP_ID): 'b1' is not an id (a UUID)");
        assertUsage(cli.run("cutovers", "request", "--preview", "12345"), "'12345' is not an id");
        assertUsage(cli.run("restore", "--restore-time", "yesterday"), "'yesterday' is not an RFC 3339 time");
        assertUsage(
                cli.run("restore", "--backup-key", "k", "--target-kind", "staging"),
                "'--target-kind': expected one of [new_preview, preview, project]");
        assertUsage(
                cli.run("integrations", "add", "--provider", "heroku", "--access-token", "t"),
                "'--provider': expected one of [vercel, netlify]");
        assertEquals(0, api.seen().size(), "no usage error may reach the API");
    }

    @Test
    void aMissingProjectIsAUsageError() {
        cli.env.remove("CAPYDB_PROJECT");
        assertUsage(cli.run("backups", "list"), "no project: pass --project ID or set CAPYDB_PROJECT");
    }

    @Test
    void backupsCreateSendsTheLabelAndAnIdempotencyKey() {
        api.json("POST", "/v1/projects/" + P + "/backups", 202, BACKUP);
        Cli.Result r = cli.run("backups", "create", "--label", "before-the-big-migration");
        assertEquals(0, r.code(), r.err());
        FakeServer.Seen post =
                api.requests("POST", "/v1/projects/" + P + "/backups").get(0);
        assertEquals(
                "before-the-big-migration", Json.parse(post.text()).get("label").asText());
        assertNotNull(post.header("Idempotency-Key"));
        assertEquals("Bearer test-token", post.header("Authorization"));
    }

    @Test
    void theProjectFlagWinsOverTheEnvironmentAndANameIsLookedUp() {
        api.json(
                "GET", "/v1/projects", 200, "{\"items\":[{\"id\":\"" + P.replace('1', '2') + "\",\"name\":\"shop\"}]}");
        api.json("GET", "/v1/projects/" + P.replace('1', '2') + "/backups", 200, "{\"items\":[]}");
        Cli.Result r = cli.run("backups", "list", "--project", "shop");
        assertEquals(0, r.code(), r.err());
        assertEquals(
                1,
                api.requests("GET", "/v1/projects/" + P.replace('1', '2') + "/backups")
                        .size());
    }

    @Test
    void restoreIntoANewPreviewAsOnTheProductPage() {
        api.json("POST", "/v1/projects/" + P + "/restores", 202, "{\"id\":\"" + R1 + "\",\"status\":\"pending\"}");
        Cli.Result r = cli.run(
                "restore",
                "--backup-key",
                "projects/x/backups/y.dump",
                "--preview-name",
                "inspect-monday",
                "--ttl-hours",
                "24");
        assertEquals(0, r.code(), r.err());
        JsonNode body = Json.parse(
                api.requests("POST", "/v1/projects/" + P + "/restores").get(0).text());
        assertEquals("projects/x/backups/y.dump", body.get("backup_key").asText());
        assertEquals("inspect-monday", body.get("preview_name").asText());
        assertEquals(24, body.get("ttl_hours").asInt());
        assertTrue(body.get("target_kind") == null, "the server's default target is not spelled out");
    }

    @Test
    void restoreOverProductionNeedsTheFlagAndSendsTheConfirmation() {
        api.json("POST", "/v1/projects/" + P + "/restores", 202, "{\"id\":\"" + R1 + "\",\"status\":\"pending\"}");
        Cli.Result r = cli.run(
                "restore",
                "--restore-time",
                "2026-06-09T14:30:00Z",
                "--target-kind",
                "project",
                "--confirm-project-overwrite");
        assertEquals(0, r.code(), r.err());
        JsonNode body = Json.parse(
                api.requests("POST", "/v1/projects/" + P + "/restores").get(0).text());
        assertEquals("2026-06-09T14:30:00Z", body.get("restore_time").asText());
        assertEquals("project", body.get("target_kind").asText());
        assertTrue(body.get("confirm_project_overwrite").asBoolean());
    }

    @Test
    void restorePointsCreateKindsAndLabels() {
        api.json(
                "POST",
                "/v1/projects/" + P + "/restore-points",
                201,
                "{\"id\":\"" + RP + "\",\"label\":\"pre-launch\"}");
        assertEquals(
                0,
                cli.run("restore-points", "create", "--label", "pre-launch", "--kind", "pitr")
                        .code());
        assertEquals(
                0,
                cli.run("restore-points", "create", "--label", "k", "--kind", "backup", "--backup-key", "K")
                        .code());
        assertEquals(
                0,
                cli.run("restore-points", "create", "--label", "up", "--kind", "PITR")
                        .code(),
                "the kind in any case, as before");
        var posts = api.requests("POST", "/v1/projects/" + P + "/restore-points");
        assertEquals(
                "{\"label\":\"pre-launch\",\"kind\":\"pitr\"}", posts.get(0).text());
        assertEquals(
                "{\"label\":\"k\",\"kind\":\"backup\",\"backup_key\":\"K\"}",
                posts.get(1).text());
        assertEquals("{\"label\":\"up\",\"kind\":\"pitr\"}", posts.get(2).text());
    }

    @Test
    void scheduleSetKeepsWhatIsNotGiven() {
        String path = "/v1/projects/" + P + "/scheduled-backups/default";
        api.json("GET", path, 200, "{\"hour\":3,\"minute\":15,\"active\":true,\"retention_days\":7}");
        api.json("PUT", path, 200, "{\"hour\":4,\"minute\":15,\"active\":true,\"retention_days\":30}");
        assertEquals(
                0,
                cli.run("backups", "schedule", "set", "--hour", "4", "--retention-days", "30")
                        .code());
        assertEquals(
                "{\"hour\":4,\"minute\":15,\"active\":true,\"retention_days\":30}",
                api.requests("PUT", path).get(0).text());
    }

    @Test
    void operatorCommandsNeedNoProject() {
        cli.env.remove("CAPYDB_PROJECT");
        api.json(
                "POST",
                "/v1/operator/cutover-requests/" + C1 + "/reject",
                200,
                "{\"id\":\"" + C1 + "\",\"status\":\"rejected\"}");
        Cli.Result r = cli.run("cutovers", "reject", C1, "--reason", "not now");
        assertEquals(0, r.code(), r.err());
        assertEquals(
                "{\"reason\":\"not now\"}",
                api.requests("POST", "/v1/operator/cutover-requests/" + C1 + "/reject")
                        .get(0)
                        .text());
    }

    static void assertUsage(Cli.Result r, String message) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), "wanted '" + message + "' in\n" + r.err());
        assertTrue(r.err().contains("--help"), r.err());
    }
}
