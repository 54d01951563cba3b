package dev.capydb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.cli.api.Json;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tables for people, the API's JSON with --json, coloured preflight grades on a terminal only. */
class OutputTest extends FakeApiTest {

    /** A page as backup-service writes it: every field, null or not, and times to the microsecond. */
    static final String PAGE = "{\"items\":["
            + "{\"id\":\"" + B2 + "\",\"project_id\":\"" + P + "\",\"label\":\"nightly\",\"kind\":\"scheduled\","
            + "\"status\":\"completed\",\"verify\":true,\"verified\":true,"
            + "\"verification\":{\"checksum_matches\":true,\"tables_compared\":3,\"row_count_differences\":[]},"
            + "\"backup_key\":\"projects/p/backups/b2.dump\",\"size_bytes\":3281,\"sha256\":\"9f86d081\",\"error\":null,"
            + "\"correlation_id\":\"corr-1\",\"attempt\":1,\"created_at\":\"2026-11-21T08:38:53.123456Z\","
            + "\"started_at\":\"2026-11-21T08:38:54.120Z\",\"completed_at\":\"2026-11-21T08:39:00Z\","
            + "\"expired_at\":null,\"expired_reason\":null},"
            + "{\"id\":\"" + B1 + "\",\"project_id\":\"" + P + "\",\"label\":\"before-the-big-migration\","
            + "\"kind\":\"manual\",\"status\":\"failed\",\"verify\":false,\"verified\":null,\"verification\":null,"
            + "\"backup_key\":null,\"size_bytes\":null,\"sha256\":null,\"error\":\"pg_dump: connection refused\","
            + "\"correlation_id\":null,\"attempt\":3,\"created_at\":\"2026-11-20T08:00:00Z\",\"started_at\":null,"
            + "\"completed_at\":null,\"expired_at\":null,\"expired_reason\":null}],"
            + "\"next_cursor\":\"abc\"}";

    static final String PREFLIGHT = "{\"source\":\"postgres://u:****@h:5432/db?sslmode=require\",\"status\":\"%s\","
            + "\"checks\":[{\"name\":\"source_size_within_plan\",\"status\":\"pass\",\"detail\":\"12 MB of 512 MB\"},"
            + "{\"name\":\"source_version_compatible\",\"status\":\"warn\",\"detail\":\"15 -> 15\"},"
            + "{\"name\":\"extensions_available_on_target\",\"status\":\"%s\",\"detail\":\"timescaledb\"}]}";

    @BeforeEach
    void stubBackups() {
        api.json("GET", "/v1/projects/" + P + "/backups", 200, PAGE);
    }

    @Test
    void backupsListIsAnAlignedTableWithAHintForTheNextPage() {
        Cli.Result r = cli.run("backups", "list");
        assertEquals(0, r.code());
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        assertTrue(
                lines[0].startsWith(
                        "ID" + " ".repeat(36) + "LABEL                     KIND       STATUS     SIZE    CREATED"),
                lines[0]);
        assertTrue(lines[1].contains("nightly")
                && lines[1].contains("3.2 KB")
                && lines[1].contains("2026-11-21T08:38:53Z")
                && lines[1].endsWith("projects/p/backups/b2.dump"));
        assertEquals(lines[0].indexOf("STATUS"), lines[2].indexOf("failed"), "columns line up");
        assertTrue(lines[2].contains(" - "), "a missing value is a dash");
        assertTrue(r.err().contains("--cursor abc"), r.err());
        assertFalse(r.out().contains("\u001b["), "no colour when stdout is not a terminal");
    }

    @Test
    void jsonIsTheApiPageAsIs() {
        Cli.Result r = cli.run("backups", "list", "--json");
        assertEquals(0, r.code());
        assertEquals(Json.parse(PAGE), Json.parse(r.out()));
        assertEquals("", r.err(), "nothing but JSON, and no hints, in machine mode");
    }

    @Test
    void oneResourceIsFieldValueLinesOrJson() {
        api.json(
                "GET",
                "/v1/projects/" + P + "/backups/" + B2,
                200,
                "{\"id\":\"" + B2 + "\",\"status\":\"completed\",\"verification\":{\"tables\":3},\"error\":null}");
        Cli.Result r = cli.run("backups", "get", B2);
        assertEquals(
                "id:                  " + B2 + "\nstatus:              completed\nverification.tables: 3\n", r.out());
        JsonNode j = Json.parse(cli.run("backups", "get", B2, "--json").out());
        assertEquals(3, j.at("/verification/tables").asInt());
    }

    @Test
    void paginationParametersReachTheApi() {
        cli.run("backups", "list", "--limit", "5", "--cursor", "xyz", "--include-expired");
        String[] seen = api.requests("GET", "/v1/projects/" + P + "/backups")
                .get(0)
                .pathAndQuery()
                .split("\\?");
        assertEquals("/v1/projects/" + P + "/backups", seen[0]);
        assertEquals(Set.of("include=expired", "limit=5", "cursor=xyz"), Set.of(seen[1].split("&")));
    }

    @Test
    void allFollowsEveryPage() {
        String path = "/v1/projects/" + P + "/previews";
        api.on(
                "GET",
                path,
                FakeServer.Answer.json(200, "{\"items\":[{\"id\":\"" + PV + "\"}],\"next_cursor\":\"c1\"}"),
                FakeServer.Answer.json(200, "{\"items\":[{\"id\":\"" + B1 + "\"}]}"));
        Cli.Result r = cli.run("previews", "list", "--all", "--json");
        assertEquals(2, Json.parse(r.out()).get("items").size(), r.out());
        assertTrue(api.requests("GET", path).get(1).pathAndQuery().contains("cursor=c1"));
    }

    @Test
    void preflightIsATableOfTheThreeChecksColouredOnATerminal() {
        api.json("POST", "/v1/projects/" + P + "/imports/preflight", 200, String.format(PREFLIGHT, "fail", "fail"));
        cli.tty = true;
        Cli.Result r = cli.run("import", "preflight", "--source-url", "postgres://u:p@h:5432/db");
        assertEquals(1, r.code(), "a failing check is a non-zero exit");
        assertTrue(r.out().contains("\u001b[32mpass\u001b[0m"), r.out());
        assertTrue(r.out().contains("\u001b[33mwarn\u001b[0m"), r.out());
        assertTrue(r.out().contains("\u001b[31mfail\u001b[0m"), r.out());
        assertTrue(r.out().contains("Result: \u001b[31mfail"), r.out());
        assertEquals(
                "{\"source_url\":\"postgres://u:p@h:5432/db\"}",
                api.requests("POST", "/v1/projects/" + P + "/imports/preflight")
                        .get(0)
                        .text());
    }

    @Test
    void preflightWithoutATerminalOrWithNoColorIsPlain() {
        api.json("POST", "/v1/projects/" + P + "/imports/preflight", 200, String.format(PREFLIGHT, "warn", "pass"));
        Cli.Result plain = cli.run("import", "preflight", "--source-url", "postgres://h/db");
        assertEquals(0, plain.code());
        String[] lines = plain.out().split("\n");
        assertEquals("CHECK                           STATUS  DETAIL", lines[0]);
        assertEquals("source_size_within_plan         pass    12 MB of 512 MB", lines[1]);
        assertEquals("extensions_available_on_target  pass    timescaledb", lines[3]);
        cli.tty = true;
        cli.env.put("NO_COLOR", "1");
        assertFalse(cli.run("import", "preflight", "--source-url", "postgres://h/db")
                .out()
                .contains("\u001b["));
        cli.env.remove("NO_COLOR");
        cli.tty = false;
        // The top-level alias the issue names.
        assertEquals(
                plain.out(),
                cli.run("preflight", "--source-url", "postgres://h/db").out());
    }
}
