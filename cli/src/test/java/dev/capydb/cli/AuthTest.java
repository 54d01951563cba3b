package dev.capydb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.cli.FakeServer.Answer;
import dev.capydb.cli.api.ApiException;
import dev.capydb.cli.auth.Credentials;
import dev.capydb.cli.auth.DeviceAuthorization;
import dev.capydb.cli.auth.OidcClient;
import dev.capydb.cli.auth.TokenCache;
import dev.capydb.cli.auth.TokenSource;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login (device flow, password), the 0600 token cache, refresh on expiry and after a 401. */
class AuthTest {

    static final String TOKEN_PATH = "/realms/capydb/protocol/openid-connect/token";
    static final String DEVICE_PATH = "/realms/capydb/protocol/openid-connect/auth/device";
    static final String TOKENS = "{\"access_token\":\"%s\",\"refresh_token\":\"%s\",\"expires_in\":300,"
            + "\"refresh_expires_in\":1800,\"token_type\":\"Bearer\"}";

    @TempDir
    Path dir;

    FakeServer idp;
    final AtomicLong clock = new AtomicLong(1_000_000);
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        idp = new FakeServer();
    }

    @AfterEach
    void stop() {
        idp.close();
    }

    OidcClient oidc() {
        return new OidcClient(idp.url() + "/realms/capydb", "capydb-cli", http, clock::get);
    }

    @Test
    void deviceFlowPollsAtTheIntervalSlowsDownWhenToldAndReturnsTheTokens() throws Exception {
        idp.json(
                "POST",
                DEVICE_PATH,
                200,
                "{\"device_code\":\"dc\",\"user_code\":\"ABCD-EFGH\","
                        + "\"verification_uri\":\"http://kc/device\",\"verification_uri_complete\":\"http://kc/device?user_code=ABCD-EFGH\","
                        + "\"expires_in\":600,\"interval\":2}");
        idp.on(
                "POST",
                TOKEN_PATH,
                Answer.json(400, "{\"error\":\"authorization_pending\"}"),
                Answer.json(400, "{\"error\":\"slow_down\"}"),
                Answer.json(400, "{\"error\":\"authorization_pending\"}"),
                Answer.json(200, String.format(TOKENS, "at", "rt")));
        DeviceAuthorization d = oidc().startDevice();
        assertEquals("ABCD-EFGH", d.userCode());
        String start = idp.requests("POST", DEVICE_PATH).get(0).text();
        assertTrue(start.startsWith("client_id=capydb-cli&scope=openid&code_challenge="), start);
        assertTrue(start.endsWith("&code_challenge_method=S256"), start);
        String challenge = start.replaceAll(".*code_challenge=([^&]*)&.*", "$1");

        List<Duration> sleeps = new ArrayList<>();
        Credentials c = oidc().pollDevice(d, s -> {
            sleeps.add(s);
            clock.addAndGet(s.toSeconds());
        });
        assertEquals(
                List.of(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(7), Duration.ofSeconds(7)),
                sleeps,
                "interval 2 s, 5 s more after slow_down");
        assertEquals("at", c.accessToken());
        assertEquals("rt", c.refreshToken());
        assertEquals(clock.get() + 300, c.expiresAt());
        assertEquals(
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=capydb-cli"
                        + "&device_code=dc&code_verifier=" + d.codeVerifier(),
                idp.requests("POST", TOKEN_PATH).get(0).text());
        // PKCE S256: the challenge sent first is the hash of the verifier sent with the polls.
        assertEquals(
                challenge,
                java.util.Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                                .digest(d.codeVerifier().getBytes())));
    }

    @Test
    void deviceFlowStopsOnDenialAndOnExpiry() throws Exception {
        DeviceAuthorization d = new DeviceAuthorization("dc", "U", "http://kc/device", null, 10L, 1L, "v");
        idp.json("POST", TOKEN_PATH, 400, "{\"error\":\"access_denied\"}");
        ApiException denied = assertThrows(ApiException.class, () -> oidc().pollDevice(d, s -> {}));
        assertEquals("the login was denied", denied.getMessage());

        try (FakeServer other = new FakeServer()) {
            other.json("POST", TOKEN_PATH, 400, "{\"error\":\"authorization_pending\"}");
            OidcClient o = new OidcClient(other.url() + "/realms/capydb", "capydb-cli", http, clock::get);
            ApiException expired =
                    assertThrows(ApiException.class, () -> o.pollDevice(d, s -> clock.addAndGet(s.toSeconds())));
            assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
            assertEquals(10, other.seen().size(), "polled once a second for the code's ten seconds");
        }
    }

    @Test
    void loginWithAPasswordCachesTheTokensReadableOnlyByTheUser() throws Exception {
        idp.json(
                "POST",
                TOKEN_PATH,
                200,
                String.format(TOKENS, "h." + b64("{\"preferred_username\":\"alice\"}") + ".s", "rt"));
        Path config = dir.resolve("config");
        Cli cli = new Cli(config, "http://unused");
        Cli.Result r = cli.run(
                "login", "--username", "alice", "--password", "alice", "--auth-url", idp.url() + "/realms/capydb");
        assertEquals(0, r.code(), r.err());
        assertEquals(
                "grant_type=password&client_id=capydb-cli&username=alice&password=alice&scope=openid",
                idp.requests("POST", TOKEN_PATH).get(0).text());
        Path file = config.resolve(TokenCache.FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertTrue(r.err().contains("Logged in as alice"), r.err());
        Credentials c = new TokenCache(config).load().orElseThrow();
        assertEquals(idp.url() + "/realms/capydb", c.issuer());
        assertEquals("rt", c.refreshToken());

        assertEquals(0, cli.run("logout").code());
        assertTrue(Files.notExists(file));
    }

    @Test
    void aWrongPasswordExitsOneWithTheIdpsReason() {
        idp.json(
                "POST",
                TOKEN_PATH,
                401,
                "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid user credentials\"}");
        Cli.Result r = new Cli(dir, "http://unused")
                .run("login", "-u", "alice", "--password", "nope", "--auth-url", idp.url() + "/realms/capydb");
        assertEquals(1, r.code());
        assertEquals("Error: Invalid user credentials (invalid_grant) (code: login_failed)\n", r.err());
    }

    @Test
    void anExpiredAccessTokenIsRefreshedAndTheCacheRewritten() {
        TokenCache cache = new TokenCache(dir);
        cache.save(new Credentials(
                idp.url() + "/realms/capydb",
                "capydb-cli",
                "alice",
                "old",
                "rt1",
                clock.get() - 1,
                clock.get() + 1000));
        idp.json("POST", TOKEN_PATH, 200, String.format(TOKENS, "new", "rt2"));
        TokenSource tokens = new TokenSource(null, cache, http, clock::get);
        assertEquals("new", tokens.token());
        assertEquals(
                "grant_type=refresh_token&client_id=capydb-cli&refresh_token=rt1",
                idp.requests("POST", TOKEN_PATH).get(0).text());
        assertEquals("rt2", cache.load().orElseThrow().refreshToken());
        assertEquals("new", tokens.token(), "no second refresh while the new token is valid");
        assertEquals(1, idp.seen().size());
    }

    /** The CLI logged in with an access token the API will refuse; the IdP hands out "fresh" for the refresh token. */
    Cli loggedInWithARevokedToken() {
        long now = System.currentTimeMillis() / 1000; // the CLI in-process runs on the real clock
        new TokenCache(dir)
                .save(new Credentials(
                        idp.url() + "/realms/capydb", "capydb-cli", "alice", "revoked", "rt1", now + 200, now + 1000));
        idp.json("POST", TOKEN_PATH, 200, String.format(TOKENS, "fresh", "rt2"));
        Cli cli = new Cli(dir, idp.url()).project(FakeApiTest.P);
        cli.env.remove("CAPYDB_TOKEN");
        return cli;
    }

    @Test
    void aRejectedTokenIsRefreshedOnceAndTheCallRetried() throws Exception {
        Cli cli = loggedInWithARevokedToken();
        String p = FakeApiTest.P;
        idp.on(
                "GET",
                "/v1/projects/" + p + "/backups",
                Answer.problem(401, "unauthorized", "token expired"),
                Answer.json(200, "{\"items\":[]}"));
        Cli.Result r = cli.run("backups", "list");
        assertEquals(0, r.code(), r.err());
        var calls = idp.requests("GET", "/v1/projects/" + p + "/backups");
        assertEquals("Bearer revoked", calls.get(0).header("Authorization"));
        assertEquals("Bearer fresh", calls.get(1).header("Authorization"));
    }

    @Test
    void theRetryOfAJobAfterA401CarriesTheSameIdempotencyKey() {
        Cli cli = loggedInWithARevokedToken();
        String path = "/v1/projects/" + FakeApiTest.P + "/backups";
        idp.on(
                "POST",
                path,
                Answer.problem(401, "unauthorized", "token expired"),
                Answer.json(202, "{\"id\":\"" + FakeApiTest.B1 + "\",\"status\":\"pending\"}"));
        Cli.Result r = cli.run("backups", "create", "--label", "x");
        assertEquals(0, r.code(), r.err());
        var calls = idp.requests("POST", path);
        assertEquals(2, calls.size());
        assertEquals("Bearer fresh", calls.get(1).header("Authorization"));
        assertEquals(
                calls.get(0).header("Idempotency-Key"),
                calls.get(1).header("Idempotency-Key"),
                "one job, however often it is sent");
        assertEquals(calls.get(0).text(), calls.get(1).text());
    }

    @Test
    void aSecond401IsTheErrorAfterOneRefresh() {
        Cli cli = loggedInWithARevokedToken();
        String path = "/v1/projects/" + FakeApiTest.P + "/backups";
        idp.on("GET", path, Answer.problem(401, "unauthorized", "not a member"));
        Cli.Result r = cli.run("backups", "list");
        assertEquals(1, r.code());
        assertEquals("Error: not a member (code: unauthorized)\n", r.err());
        assertEquals(2, idp.requests("GET", path).size(), "one retry, not a loop");
        assertEquals(1, idp.requests("POST", TOKEN_PATH).size());
    }

    @Test
    void anExpiredSessionAsksForANewLogin() {
        TokenCache cache = new TokenCache(dir);
        cache.save(
                new Credentials("http://kc", "capydb-cli", "alice", "old", "rt", clock.get() - 100, clock.get() - 10));
        ApiException e = assertThrows(ApiException.class, () -> new TokenSource(null, cache, http, clock::get).token());
        assertEquals("not_logged_in", e.code());
    }

    @Test
    void theEnvironmentTokenWinsAndIsNeverRefreshed() {
        TokenSource tokens = new TokenSource("env-token", new TokenCache(dir), http, clock::get);
        assertEquals("env-token", tokens.token());
        assertTrue(!tokens.refreshAfterUnauthorized());
    }

    private static String b64(String s) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes());
    }
}
