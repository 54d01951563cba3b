package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client tools reach a host through its Unix socket when the service shares its machine, else over TCP. */
class ToolHostTest {

    private static final ToolRunner RUNNER =
            new ToolRunner(Optional.ofNullable(System.getenv("CAPYDB_PG_BIN")), Duration.ofMinutes(1));

    @AfterAll
    static void close() {
        RUNNER.close();
    }

    private static DatabaseHost withSocketDirectory(DatabaseHost h, Optional<String> dir) {
        return new DatabaseHost(
                h.id(),
                h.region(),
                h.address(),
                h.port(),
                h.adminUser(),
                h.adminPassword(),
                h.pitr(),
                h.publicHost(),
                h.pooledPort(),
                h.maintenanceDatabase(),
                dir);
    }

    /** What the server saw: its address for the session, empty over a Unix socket. */
    private static String serverAddress(DatabaseHost host) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ToolResult result = RUNNER.run(ToolInvocation.of("psql")
                .args("-X", "-A", "-t", "-d", "postgres", "-c", "SELECT coalesce(host(inet_server_addr()), 'socket')")
                .env(host.adminToolEnv())
                .stdout(stdout -> stdout.transferTo(out))
                .build());
        assertTrue(result.succeeded(), result.describeFailure("psql"));
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void toolsUseTheHostsSocketWhenItIsThere() {
        String dir = TestHosts.env(
                "CAPYDB_HOST1_SOCKET_DIR",
                Path.of("..", "..", ".stack", "state", "pg", "local-1").toString());
        DatabaseHost host = withSocketDirectory(
                TestHosts.local1(), Optional.of(Path.of(dir).toAbsolutePath().toString()));
        assertTrue(
                Files.exists(Path.of(dir, ".s.PGSQL." + host.port())), "dev/stack's local-1 has its socket in " + dir);
        assertEquals("socket", serverAddress(host));
    }

    @Test
    void toolsUseTcpWithoutASocketDirectoryOrWhileTheSocketIsAbsent(@TempDir Path empty) {
        assertEquals("127.0.0.1", serverAddress(TestHosts.local1()));
        assertEquals(
                "127.0.0.1", serverAddress(withSocketDirectory(TestHosts.local1(), Optional.of(empty.toString()))));
    }
}
