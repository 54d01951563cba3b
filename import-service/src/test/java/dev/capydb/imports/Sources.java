package dev.capydb.imports;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.readmodel.ProjectReadModel;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.Passwords;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.ProjectPayload;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import dev.capydb.testing.Waits;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Real source databases for import tests, on data-plane host local-2 (a cluster of its own, reached over loopback
 * as a customer's server would be over the internet), and the projects they are imported into.
 */
@ApplicationScoped
public class Sources {

    /** A source database with its own login role; {@code url()} is what a customer would paste. */
    public record Source(String database, String role, String password, DatabaseHost host) {

        public String url() {
            return "postgres://" + role + ":" + password + "@127.0.0.1:" + host.port() + "/" + database
                    + "?sslmode=disable";
        }

        /** Connects as the source's own role, as the customer would. */
        public Connection owner() throws SQLException {
            return java.sql.DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + host.port() + "/" + database, role, password);
        }
    }

    private final HostRegistry hosts;
    private final DatabaseProvisioner provisioner;
    private final TestProjects projects;
    private final ProjectReadModel readModel;
    private final ToolRunner tools;

    public Sources(
            HostRegistry hosts,
            DatabaseProvisioner provisioner,
            TestProjects projects,
            ProjectReadModel readModel,
            ToolRunner tools) {
        this.hosts = hosts;
        this.provisioner = provisioner;
        this.projects = projects;
        this.readModel = readModel;
        this.tools = tools;
    }

    /** A source with table {@code items} ({@code rows} rows, a serial id and a text) and the given extensions. */
    public Source create(int rows, String... extensions) throws Exception {
        DatabaseHost host = hosts.host("local-2");
        String name = "src_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String password = Passwords.generate();
        provisioner.create(host, name, name, password);
        try (Connection c = host.adminConnection(name);
                Statement st = c.createStatement()) {
            for (String ext : extensions) {
                st.execute("CREATE EXTENSION \"" + ext + "\" SCHEMA public");
            }
        }
        Source source = new Source(name, name, password, host);
        try (Connection c = source.owner();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, note text)");
            st.execute(
                    "INSERT INTO items (name, note) SELECT 'item-' || g, repeat('x', g % 50) FROM generate_series(1, "
                            + rows + ") g");
            st.execute("COMMENT ON TABLE items IS 'what the shop sells'");
        }
        return source;
    }

    /** A project whose database exists but holds nothing yet. */
    public TestProject emptyProject() throws SQLException {
        UUID id = UUID.randomUUID();
        String db = "prj_" + id.toString().replace("-", "");
        DatabaseHost host = hosts.host("local-1");
        String password = Passwords.generate();
        provisioner.create(host, db, db, password);
        projects.announce(id, db, "active", 1);
        return new TestProject(id, db, host, password);
    }

    /** Announces the project again with another plan limit (and status), as project-service would. */
    public void announce(TestProject p, long storageLimitBytes, String status, long version) {
        Instant now = Instant.now();
        QuarkusTransaction.requiringNew()
                .run(() -> readModel.apply(EventEnvelope.of(
                        EventType.PROJECT_UPDATED,
                        "project-service",
                        "acme",
                        p.id(),
                        null,
                        new ProjectPayload(
                                p.id(),
                                "acme",
                                "p-" + p.id().toString().substring(0, 8),
                                "local-1",
                                "free",
                                storageLimitBytes,
                                "local-1",
                                p.database(),
                                p.database(),
                                status,
                                true,
                                version,
                                now,
                                now))));
    }

    /** A pg_dump of the source in a temp file: custom format ({@code -Fc}) or plain SQL. */
    public Path dump(Source s, boolean custom) throws IOException {
        Path file = Files.createTempFile("capydb-import-test", custom ? ".dump" : ".sql");
        ToolResult r = tools.run(ToolInvocation.of("pg_dump")
                .args(
                        custom ? "--format=custom" : "--format=plain",
                        "--no-owner",
                        "--no-acl",
                        "--dbname=" + s.database())
                .env(s.host().adminToolEnv())
                .stdout(out -> Files.copy(out, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING))
                .build());
        assertTrue(r.succeeded(), r.describeFailure("pg_dump"));
        return file;
    }

    /** Requests an upload slot and PUTs the file to its presigned URL with plain {@code curl -T}; the upload id. */
    public static String upload(TestProject p, Path file) throws Exception {
        JsonPath slot = slot(p, file);
        assertTrue(put(file, slot.getString("upload_url")) == 0, "curl -T failed");
        return slot.getString("upload_id");
    }

    /** An upload slot for the file's size: {@code upload_id}, {@code upload_url}. */
    public static JsonPath slot(TestProject p, Path file) throws IOException {
        return given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(java.util.Map.of("filename", file.getFileName().toString(), "size_bytes", Files.size(file)))
                .post("/v1/projects/{p}/imports/uploads", p.id())
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    /** curl's exit status for {@code PUT file url} ({@code --fail}: non-zero on a refusal). */
    public static int put(Path file, String url) throws IOException, InterruptedException {
        Process curl = new ProcessBuilder("curl", "-sS", "--fail", "-T", file.toString(), url)
                .redirectErrorStream(true)
                .start();
        curl.getInputStream().transferTo(System.out);
        return curl.waitFor();
    }

    /** Polls an import until it ends. */
    public static JsonPath await(TestProject p, String importId) {
        return Waits.until(
                Duration.ofSeconds(120),
                "import " + importId + " ends",
                () -> given().auth()
                        .oauth2(TestTokens.bob())
                        .get("/v1/projects/{p}/imports/{i}", p.id(), importId)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath(),
                x -> x.getString("status").matches("completed|failed"),
                x -> "still " + x.getString("status") + " in phase " + x.getString("phase"));
    }

    public static long count(Connection c, String sql) throws SQLException {
        try (c;
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static String text(Connection c, String sql) throws SQLException {
        try (c;
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** A digest of every row of {@code items}: equal digests mean equal contents. */
    public static String itemsDigest(Connection c) throws SQLException {
        return text(c, "SELECT md5(string_agg(i::text, ',' ORDER BY id)) FROM items i");
    }

    public static List<String> tables(Connection c) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (c;
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT tablename || ':' || tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
