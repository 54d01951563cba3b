package dev.capydb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.cli.FakeServer.Answer;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each command sends, as the gateway sees it: one request with the contract's method, path, query and compact
 * JSON body (no nulls, no empty lists the user did not give), the bearer token and User-Agent on every call, and an
 * Idempotency-Key exactly on the calls that start a job.
 */
class RequestsTest extends FakeApiTest {

    static final String PROJECT = "/v1/projects/" + P;
    static final String OPERATOR = "/v1/operator/cutover-requests";

    @BeforeEach
    void answerEverything() {
        api.otherwise(method ->
                method.equals("DELETE") ? new Answer(204, null, null) : Answer.json(200, "{\"id\":\"" + B2 + "\"}"));
    }

    @Test
    void backupsCreateIsOnePostWithTheLabelAFreshIdempotencyKeyTheTokenAndTheUserAgent() {
        Cli.Result r = cli.run("backups", "create", "--label", "x");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, api.seen().size());
        FakeServer.Seen post = api.seen().get(0);
        assertEquals("POST", post.method());
        assertEquals(PROJECT + "/backups", post.pathAndQuery());
        assertEquals("{\"label\":\"x\"}", post.text());
        assertEquals("application/json", post.header("Content-Type"));
        assertTrue(
                post.header("Idempotency-Key").matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"),
                post.header("Idempotency-Key"));
        assertEquals("Bearer test-token", post.header("Authorization"));
        assertEquals("capydb-cli", post.header("User-Agent"));

        assertEquals(0, cli.run("backups", "create", "--label", "x").code());
        assertNotEquals(post.header("Idempotency-Key"), api.seen().get(1).header("Idempotency-Key"), "one key per job");
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                        call(
                                "projects create shop --region eu --plan free",
                                "POST",
                                "/v1/projects",
                                "{\"name\":\"shop\",\"region\":\"eu\",\"plan\":\"free\"}"),
                        call("projects list --limit 5 --cursor c", "GET", "/v1/projects?limit=5&cursor=c", null),
                        call("projects get", "GET", PROJECT, null),
                        call("projects connection", "GET", PROJECT + "/connection", null),
                        call("projects delete " + P + " --yes", "DELETE", PROJECT, null),
                        call("backups create", "POST", PROJECT + "/backups", "{}")
                                .startsAJob(),
                        call("backups create --verify", "POST", PROJECT + "/backups", "{\"verify\":true}")
                                .startsAJob(),
                        call("backups get " + B1, "GET", PROJECT + "/backups/" + B1, null),
                        call("backups delete " + B1, "DELETE", PROJECT + "/backups/" + B1, null),
                        call("backups schedule get", "GET", PROJECT + "/scheduled-backups/default", null),
                        call(
                                "restore-points create --label pre --kind pitr --timestamp 2026-06-09T14:30:00Z",
                                "POST",
                                PROJECT + "/restore-points",
                                "{\"label\":\"pre\",\"kind\":\"pitr\",\"timestamp\":\"2026-06-09T14:30:00Z\"}"),
                        call("restore-points list", "GET", PROJECT + "/restore-points", null),
                        call("restore-points get " + RP, "GET", PROJECT + "/restore-points/" + RP, null),
                        call("restore-points delete " + RP, "DELETE", PROJECT + "/restore-points/" + RP, null),
                        call(
                                        "restore --restore-point " + RP,
                                        "POST",
                                        PROJECT + "/restores",
                                        "{\"restore_point_id\":\"" + RP + "\"}")
                                .startsAJob(),
                        call(
                                        "restore --backup-key k --target-kind preview --preview-id " + PV,
                                        "POST",
                                        PROJECT + "/restores",
                                        "{\"backup_key\":\"k\",\"target_kind\":\"preview\",\"preview_id\":\"" + PV
                                                + "\"}")
                                .startsAJob(),
                        call("restore list", "GET", PROJECT + "/restores", null),
                        call("restore get " + R1, "GET", PROJECT + "/restores/" + R1, null),
                        call("previews list", "GET", PROJECT + "/previews", null),
                        call("previews get " + PV, "GET", PROJECT + "/previews/" + PV, null),
                        call("previews connection " + PV, "GET", PROJECT + "/previews/" + PV + "/connection", null),
                        call(
                                "previews extend " + PV + " --ttl-hours 48",
                                "PATCH",
                                PROJECT + "/previews/" + PV,
                                "{\"ttl_hours\":48}"),
                        call("previews delete " + PV, "DELETE", PROJECT + "/previews/" + PV, null),
                        call(
                                        "import --source-url postgres://h/db",
                                        "POST",
                                        PROJECT + "/imports",
                                        "{\"source_url\":\"postgres://h/db\",\"recreate\":false}")
                                .startsAJob(),
                        call("import list", "GET", PROJECT + "/imports", null),
                        call("import get " + I1, "GET", PROJECT + "/imports/" + I1, null),
                        call(
                                "cutovers request --preview " + PV + " --note n --ticket T-1",
                                "POST",
                                PROJECT + "/cutover-requests",
                                "{\"preview_id\":\"" + PV
                                        + "\",\"customer_note\":\"n\",\"external_ticket_ref\":\"T-1\"}"),
                        call("cutovers list --status open", "GET", PROJECT + "/cutover-requests?status=open", null),
                        call("cutovers list --operator", "GET", OPERATOR, null),
                        call("cutovers get " + C1, "GET", PROJECT + "/cutover-requests/" + C1, null),
                        call("cutovers get " + C1 + " --operator", "GET", OPERATOR + "/" + C1, null),
                        call("cutovers cancel " + C1, "POST", PROJECT + "/cutover-requests/" + C1 + "/cancel", ""),
                        call("cutovers ack " + C1, "POST", OPERATOR + "/" + C1 + "/ack", ""),
                        call("cutovers execute " + C1, "POST", OPERATOR + "/" + C1 + "/execute", "")
                                .startsAJob(),
                        call(
                                "webhooks create --url https://h/x",
                                "POST",
                                PROJECT + "/webhooks",
                                "{\"url\":\"https://h/x\"}"),
                        call(
                                "webhooks create --url https://h/x --event-type a,b",
                                "POST",
                                PROJECT + "/webhooks",
                                "{\"url\":\"https://h/x\",\"event_types\":[\"a\",\"b\"]}"),
                        call("webhooks list", "GET", PROJECT + "/webhooks", null),
                        call("webhooks get " + B1, "GET", PROJECT + "/webhooks/" + B1, null),
                        call("webhooks delete " + B1, "DELETE", PROJECT + "/webhooks/" + B1, null),
                        call(
                                "webhooks deliveries " + B1 + " --status failed",
                                "GET",
                                PROJECT + "/webhooks/" + B1 + "/deliveries?status=failed",
                                null),
                        call("webhooks test " + B1, "POST", PROJECT + "/webhooks/" + B1 + "/test", ""),
                        call(
                                "webhooks redeliver " + B2,
                                "POST",
                                PROJECT + "/webhooks/deliveries/" + B2 + "/redeliver",
                                ""),
                        call(
                                "integrations add --provider netlify --access-token t --account-id a --site-id s",
                                "POST",
                                PROJECT + "/integrations",
                                "{\"provider\":\"netlify\",\"access_token\":\"t\",\"account_id\":\"a\",\"site_id\":\"s\"}"),
                        call(
                                "integrations add --provider vercel --access-token t --vercel-project-id p --target production",
                                "POST",
                                PROJECT + "/integrations",
                                "{\"provider\":\"vercel\",\"access_token\":\"t\",\"project_id\":\"p\",\"targets\":[\"production\"]}"),
                        call("integrations list", "GET", PROJECT + "/integrations", null),
                        call("integrations remove " + B1, "DELETE", PROJECT + "/integrations/" + B1, null),
                        call(
                                "audit list --type backup.* --since 2026-01-01T00:00:00Z",
                                "GET",
                                PROJECT + "/audit-events?type=backup.*&since=2026-01-01T00%3A00%3A00Z",
                                null))
                .map(c -> Arguments.of(c.line, c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void sends(String line, Call c) {
        Cli.Result r = cli.run(line.split(" "));
        assertEquals(0, r.code(), r.err());
        assertEquals(1, api.seen().size(), api.seen().toString());
        FakeServer.Seen s = api.seen().get(0);
        assertEquals(c.method, s.method());
        String[] pq = s.pathAndQuery().split("\\?", 2);
        String[] want = c.pathAndQuery.split("\\?", 2);
        assertEquals(want[0], pq[0]);
        assertEquals(
                want.length > 1 ? Set.of(want[1].split("&")) : Set.of(),
                pq.length > 1 ? Set.of(pq[1].split("&")) : Set.of(),
                "query parameters");
        if (c.body != null) {
            assertEquals(c.body, s.text());
        }
        assertEquals("Bearer test-token", s.header("Authorization"));
        assertEquals("capydb-cli", s.header("User-Agent"));
        if (c.job) {
            assertTrue(s.header("Idempotency-Key") != null, "a job start carries a key");
        } else {
            assertNull(s.header("Idempotency-Key"), "only job starts carry a key");
        }
    }

    private static Call call(String line, String method, String pathAndQuery, String body) {
        return new Call(line, method, pathAndQuery, body, false);
    }

    /** One command line and the request it should make ({@code body} null: not checked; "": none). */
    record Call(String line, String method, String pathAndQuery, String body, boolean job) {
        Call startsAJob() {
            return new Call(line, method, pathAndQuery, body, true);
        }

        @Override
        public String toString() {
            return line;
        }
    }
}
