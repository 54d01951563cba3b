package dev.capydb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** API errors exit 1 and show the problem's detail and code, whatever answered. */
class ErrorsTest extends FakeApiTest {

    @Test
    void aProblemShowsDetailCodeFieldsAndRequestId() {
        api.on(
                "POST",
                "/v1/projects/" + P + "/restores",
                new FakeServer.Answer(
                        422,
                        "application/problem+json",
                        "{\"type\":\"about:blank\",\"title\":\"Unprocessable\",\"status\":422,\"code\":\"validation_failed\","
                                + "\"detail\":\"the request is invalid\",\"request_id\":\"rq-1\","
                                + "\"errors\":[{\"field\":\"ttl_hours\",\"message\":\"must be 1-720\"}]}"));
        Cli.Result r = cli.run("restore", "--backup-key", "k", "--ttl-hours", "9999");
        assertEquals(1, r.code());
        assertEquals(
                "Error: the request is invalid (code: validation_failed)\n  ttl_hours: must be 1-720\n"
                        + "  request id: rq-1\n",
                r.err());
        assertEquals("", r.out());
    }

    @Test
    void confirmationRequiredComesFromTheServer() {
        api.on(
                "POST",
                "/v1/projects/" + P + "/restores",
                FakeServer.Answer.problem(
                        422, "confirmation_required", "overwriting production needs confirm_project_overwrite: true"));
        Cli.Result r = cli.run("restore", "--restore-time", "2026-06-09T14:30:00Z", "--target-kind", "project");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("(code: confirmation_required)"), r.err());
    }

    @Test
    void aNonJsonAnswerStillGetsACode() {
        api.on(
                "GET",
                "/v1/projects/" + P + "/backups",
                new FakeServer.Answer(502, "text/html", "<h1>Bad Gateway</h1>"));
        Cli.Result r = cli.run("backups", "list");
        assertEquals(1, r.code());
        assertEquals("Error: HTTP 502: <h1>Bad Gateway</h1> (code: server_error)\n", r.err());
    }

    @Test
    void anAnswerThatDoesNotFitTheContractSaysSo() {
        api.json("GET", "/v1/projects/" + P + "/backups/" + B1, 200, "{\"id\":\"b1\",\"status\":\"completed\"}");
        Cli.Result r = cli.run("backups", "get", B1);
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("Error: unexpected answer from the CapyDB API at " + api.url() + ": "), r.err());
        assertTrue(r.err().endsWith("(code: unexpected_response)\n"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anotherOrgsProjectIsNotFound() {
        Cli.Result r = cli.run("backups", "get", B1);
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("Error: no fake for GET") && r.err().contains("(code: not_found)"), r.err());
    }

    @Test
    void anUnreachableApiExitsOne() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        cli.env.put("CAPYDB_API_URL", "http://127.0.0.1:" + port);
        Cli.Result r = cli.run("backups", "list");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("Error: cannot reach the CapyDB API at http://127.0.0.1:" + port), r.err());
        assertTrue(r.err().contains("(code: unreachable)"), r.err());
    }

    @Test
    void noTokenAndNoLoginSaysHowToLogIn() {
        cli.env.remove("CAPYDB_TOKEN");
        Cli.Result r = cli.run("backups", "list");
        assertEquals(1, r.code());
        assertEquals("Error: not logged in: run 'capydb login' or set CAPYDB_TOKEN (code: not_logged_in)\n", r.err());
        assertEquals(0, api.seen().size());
    }
}
