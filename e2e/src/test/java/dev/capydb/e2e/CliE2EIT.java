package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capydb.testing.Waits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The product pages' CLI commands, verbatim, through the {@code cli/capydb} launcher against the running stack:
 * logged in with the real Keycloak (password grant), results checked with psql, every API call checked against the
 * contract on the way.
 */
class CliE2EIT {

    /** Every call the CLI makes is checked against the contract. */
    @RegisterExtension
    static final ContractProxy gate = ContractProxy.toGateway();

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run of the launcher left behind. */
    record Run(int code, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Path home;
    private final Map<String, String> env = new HashMap<>();

    CliE2EIT() throws IOException {
        home = Files.createTempDirectory("capydb-cli-e2e");
        env.put("CAPYDB_CONFIG_DIR", home.resolve("config").toString());
        env.put("CAPYDB_API_URL", gate.url());
        env.put("CAPYDB_AUTH_URL", Stack.keycloak());
    }

    private static final Duration COMMAND_BOUND = Duration.ofMinutes(15);

    private static Path launcher() {
        return Path.of(System.getProperty("capydb.cli", "../cli/capydb"))
                .toAbsolutePath()
                .normalize();
    }

    /** Runs {@code capydb ARGS} in the test's directory, as a user would type it. */
    private Run capydb(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        pb.environment().remove("CAPYDB_TOKEN");
        pb.environment().remove("CAPYDB_PROJECT");
        pb.environment().putAll(env);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        // A bound for a command that hangs, not a performance target: a point-in-time restore replays the host's WAL
        // since its last base backup, which late in a full e2e run is everything the suite wrote (minutes of replay).
        if (!p.waitFor(COMMAND_BOUND.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(
                    "capydb " + String.join(" ", args) + " did not finish; stderr:\n" + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Run ok(String... args) throws IOException, InterruptedException {
        Run r = capydb(args);
        assertEquals(0, r.code(), "capydb " + String.join(" ", args) + "\n" + r);
        return r;
    }

    /**
     * The PITR window opens once the host's first base backup exists, which no request of the test's acknowledged:
     * retried only while the API says the time is outside the window ({@code target_outside_window}); any other
     * refusal, a 404 above all, fails at once.
     */
    private Run eventually(Duration timeout, String... args) {
        // Once a second: each try starts the CLI anew.
        Run r = Waits.until(
                Waits.await("the PITR window opens", timeout).pollInterval(Duration.ofSeconds(1)),
                "capydb " + String.join(" ", args) + " succeeds",
                () -> capydb(args),
                x -> x.code() == 0 || !x.toString().contains("code: target_outside_window"),
                Run::toString);
        assertEquals(0, r.code(), "capydb " + String.join(" ", args) + "\n" + r);
        return r;
    }

    private String newProject(String prefix) throws Exception {
        Run created =
                ok("projects", "create", prefix + UUID.randomUUID().toString().substring(0, 8), "--json");
        return created.json().get("id").asText();
    }

    private String databaseUrl(String project) throws Exception {
        return ok("projects", "connection", project, "--json")
                .json()
                .get("database_url")
                .asText();
    }

    private void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, command[0] + " failed: " + out);
    }

    /** Logs alice in through the CLI and makes her a project holding {@code orders} 1..250; returns its URL. */
    private String loggedInWithAProject() throws Exception {
        Run login = ok("login", "--username", "alice", "--password", "alice");
        assertTrue(login.err().contains("Logged in as alice"), login.toString());
        Path credentials = home.resolve("config/credentials.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));

        String project = newProject("e2e-cli-");
        env.put("CAPYDB_PROJECT", project);
        String url = databaseUrl(project);
        Stack.psql(url, "CREATE TABLE orders (id int primary key); INSERT INTO orders SELECT generate_series(1, 250)");
        ok("backups", "list");
        return url;
    }

    @Test
    void backupsAndRestoresAsOnTheProductPage() throws Exception {
        loggedInWithAProject();
        String project = env.get("CAPYDB_PROJECT");

        // Backups and restores page.
        Run backup = ok("backups", "create", "--label", "before-the-big-migration", "--wait");
        assertTrue(backup.out().matches("(?s).*status: +completed\n.*"), backup.toString());
        assertTrue(
                backup.err().contains("backup ") && backup.err().contains("completed"),
                "progress on stderr: " + backup);
        Run list = ok("backups", "list");
        assertTrue(list.out().startsWith("ID ") && list.out().contains("before-the-big-migration"), list.toString());
        JsonNode newest = ok("backups", "list", "--json").json().get("items").get(0);
        assertEquals("completed", newest.get("status").asText());
        String key = newest.get("backup_key").asText();

        // The backup completed an instant ago: restore-service accepts its key at once.
        ok("restore-points", "create", "--label", "pinned-backup", "--kind", "backup", "--backup-key", key);
        Run points = ok("restore-points", "list");
        assertTrue(points.out().contains("pinned-backup") && points.out().contains(key), points.toString());

        Run restore =
                ok("restore", "--backup-key", key, "--preview-name", "inspect-monday", "--ttl-hours", "24", "--wait");
        assertTrue(restore.err().contains("restore ") && restore.err().contains("completed"), restore.toString());
        String previewId = ok("restore", "list", "--json")
                .json()
                .get("items")
                .get(0)
                .get("preview_id")
                .asText();
        assertTrue(restore.out().contains(previewId), restore.toString());
        assertTrue(ok("previews", "list").out().contains("inspect-monday"));
        String previewUrl = ok("previews", "connection", previewId, "--json")
                .json()
                .get("database_url")
                .asText();
        assertEquals("250", Stack.psql(previewUrl, "SELECT count(*) FROM orders"), "the preview holds the backup");

        // A project overwrite is refused without the flag, with the server's code.
        Run unconfirmed =
                capydb("restore", "--restore-time", Instant.now().toString(), "--target-kind", "project", "--wait");
        assertEquals(1, unconfirmed.code(), unconfirmed.toString());
        assertTrue(unconfirmed.err().contains("(code: confirmation_required)"), unconfirmed.toString());

        ok("projects", "delete", project, "--yes");
        Run gone = capydb("projects", "get", project);
        assertEquals(1, gone.code(), gone.toString());
        assertTrue(gone.err().contains("(code: not_found)"), gone.toString());
    }

    @Test
    void preflightAndADumpFileImportAsOnTheProductPage() throws Exception {
        String url = loggedInWithAProject();
        String project = env.get("CAPYDB_PROJECT");

        // Imports page: preflight a source URL, then import a pg_dump -Fc file into another project. The local hosts
        // have no TLS, so the source opts out of the sslmode=require the service would add.
        Run preflight = capydb("import", "preflight", "--source-url", url + "?sslmode=disable");
        if (strictEgress()) {
            assertEquals(1, preflight.code(), preflight.toString());
            assertTrue(preflight.err().contains("(code: source_not_public)"), preflight.toString());
        } else {
            assertEquals(0, preflight.code(), preflight.toString());
            for (String check :
                    List.of("source_size_within_plan", "source_version_compatible", "extensions_available_on_target")) {
                assertTrue(preflight.out().matches("(?s).*" + check + " +pass .*"), preflight.toString());
            }
            assertTrue(preflight.out().contains("Result: pass"), preflight.toString());
        }

        run("pg_dump", "-Fc", "--no-owner", "-d", url, "-f", "app.dump");
        String target = newProject("e2e-cli-dst-");
        env.put("CAPYDB_PROJECT", target);
        ok("import", "list");
        Run imported = ok("import", "--file", "app.dump", "--recreate", "--wait");
        assertTrue(imported.err().contains("100%") && imported.err().contains("MB/s"), "upload bar: " + imported);
        assertTrue(imported.out().matches("(?s).*status: +completed\n.*"), imported.toString());
        assertEquals("250", Stack.psql(databaseUrl(target), "SELECT count(*) FROM orders"));
        JsonNode imports = ok("import", "list", "--json").json().get("items");
        assertEquals("upload", imports.get(0).get("source_kind").asText());

        // And straight from the source URL, replacing what the dump brought.
        Stack.psql(url, "INSERT INTO orders VALUES (251)");
        Run fromUrl = capydb("import", "--source-url", url + "?sslmode=disable", "--recreate", "--wait");
        if (strictEgress()) {
            assertEquals(1, fromUrl.code(), fromUrl.toString());
            assertTrue(fromUrl.err().contains("(code: source_not_public)"), fromUrl.toString());
        } else {
            assertEquals(0, fromUrl.code(), fromUrl.toString());
            assertTrue(fromUrl.err().contains("import ") && fromUrl.err().contains("completed"), fromUrl.toString());
            assertEquals("251", Stack.psql(databaseUrl(target), "SELECT count(*) FROM orders"));
        }

        ok("projects", "delete", target, "--yes");
        ok("projects", "delete", project, "--yes");
    }

    @Test
    void aPitrRestorePointAndRollingTheProjectBackToAPointInTime() throws Exception {
        String url = loggedInWithAProject();
        // The window exists once the host's first base backup reached restore-service (as in PitrE2EIT).
        eventually(Duration.ofSeconds(120), "restore-points", "create", "--label", "pre-launch", "--kind", "pitr");
        assertTrue(ok("restore-points", "list").out().contains("pre-launch"));

        // Not waits: t, whole seconds, must fall clearly after the restore point and clearly before the delete.
        Thread.sleep(1500);
        String t = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Thread.sleep(1500);
        Stack.psql(url, "DELETE FROM orders WHERE id > 100");
        Run rollback =
                ok("restore", "--restore-time", t, "--target-kind", "project", "--confirm-project-overwrite", "--wait");
        assertTrue(rollback.err().contains("completed"), rollback.toString());
        assertEquals("250", Stack.psql(url, "SELECT count(*) FROM orders"), "production is back at " + t);
        ok("projects", "delete", env.get("CAPYDB_PROJECT"), "--yes");
    }

    @Test
    void deviceLoginConfirmedInKeycloaksPages() throws Exception {
        // `capydb login` without a password: the device flow. A browser's part is played by an HTTP client with
        // cookies: open the printed URL, sign in as bob, grant the consent.
        List<String> cmd = List.of(launcher().toString(), "login");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        pb.environment().remove("CAPYDB_TOKEN");
        pb.environment().putAll(env);
        Path err = Files.createTempFile(home, "login", ".txt");
        Process login = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile())
                .start();
        java.util.regex.Pattern verification =
                java.util.regex.Pattern.compile("Open (\\S+user_code=\\S+) in a browser");
        java.util.regex.Matcher printed = verification.matcher(Waits.until(
                Duration.ofSeconds(20),
                "capydb login prints the verification URL",
                () -> Files.readString(err),
                s -> verification.matcher(s).find()));
        assertTrue(printed.find());
        String url = printed.group(1);

        java.net.http.HttpClient browser = java.net.http.HttpClient.newBuilder()
                .cookieHandler(new PlainCookies())
                .followRedirects(java.net.http.HttpClient.Redirect.ALWAYS)
                .build();
        String page = browser.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        page = submit(browser, page, "username=bob&password=bob");
        if (page.contains("name=\"accept\"")) {
            page = submit(browser, page, "accept=Yes");
        }
        assertTrue(page.contains("Device Login Successful"), page);

        assertTrue(login.waitFor(60, TimeUnit.SECONDS), "login did not finish: " + Files.readString(err));
        assertEquals(0, login.exitValue(), Files.readString(err));
        assertTrue(Files.readString(err).contains("Logged in as bob"), Files.readString(err));
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("config/credentials.json"))));
        // bob is a member of acme: the cached session works for the API.
        assertTrue(ok("projects", "list", "--json").json().has("items"));
    }

    /**
     * Keycloak marks its login cookies Secure; over the local stack's plain http a browser still sends them to
     * localhost, Java's CookieManager does not. This one keeps name=value and sends it back, as the browser would.
     */
    static final class PlainCookies extends java.net.CookieHandler {
        private final Map<String, String> jar = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Map<String, List<String>> get(java.net.URI uri, Map<String, List<String>> headers) {
            String cookies = String.join(
                    "; ",
                    jar.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .toList());
            return cookies.isEmpty() ? Map.of() : Map.of("Cookie", List.of(cookies));
        }

        @Override
        public void put(java.net.URI uri, Map<String, List<String>> headers) {
            headers.forEach((name, values) -> {
                if ("Set-Cookie".equalsIgnoreCase(name)) {
                    for (String v : values) {
                        String pair = v.split(";", 2)[0];
                        int eq = pair.indexOf('=');
                        if (eq > 0) {
                            jar.put(
                                    pair.substring(0, eq).strip(),
                                    pair.substring(eq + 1).strip());
                        }
                    }
                }
            });
        }
    }

    /** Posts a Keycloak page's first form with its hidden fields plus {@code fields}; returns the next page. */
    private static String submit(java.net.http.HttpClient browser, String page, String fields) throws Exception {
        java.util.regex.Matcher action =
                java.util.regex.Pattern.compile("action=\"([^\"]+)\"").matcher(page);
        assertTrue(action.find(), page);
        String target = action.group(1).replace("&amp;", "&");
        if (target.startsWith("/")) {
            target = Stack.keycloak().replaceAll("(https?://[^/]+).*", "$1") + target;
        }
        StringBuilder form = new StringBuilder(fields);
        java.util.regex.Matcher hidden = java.util.regex.Pattern.compile(
                        "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")
                .matcher(page);
        while (hidden.find()) {
            form.append('&')
                    .append(hidden.group(1))
                    .append('=')
                    .append(java.net.URLEncoder.encode(hidden.group(2), StandardCharsets.UTF_8));
        }
        return browser.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(target))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form.toString()))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** dev/test runs the stack in development egress mode; a stack started strict refuses loopback sources. */
    private static boolean strictEgress() throws IOException {
        Path mode = Path.of(Stack.env("CAPYDB_HOME", "../.stack"), "state", "egress-mode");
        return Files.exists(mode) && Files.readString(mode).strip().equals("strict");
    }
}
