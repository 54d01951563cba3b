package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The tool runner against real psql: streaming both ways, timeouts, stderr capture, no secrets shown. */
class ToolRunnerTest {

    private static final ToolRunner RUNNER =
            new ToolRunner(Optional.ofNullable(System.getenv("CAPYDB_PG_BIN")), Duration.ofMinutes(1));
    private final DatabaseHost host = TestHosts.local1();

    @AfterAll
    static void close() {
        RUNNER.close();
    }

    @Test
    void streamsStdinIntoPsqlAndStdoutBack() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ToolResult result = RUNNER.run(ToolInvocation.of("psql")
                .args("-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", "postgres")
                .env(host.adminToolEnv())
                .stdin(in -> in.write("SELECT 40 + 2;\nSELECT 'streamed';\n".getBytes(StandardCharsets.UTF_8)))
                .stdout(stdout -> stdout.transferTo(out))
                .build());
        assertTrue(result.succeeded(), result.describeFailure("psql"));
        assertEquals("42\nstreamed\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void killsAToolThatOverrunsItsTimeout() {
        long start = System.nanoTime();
        ToolResult result = RUNNER.run(ToolInvocation.of("psql")
                .args("-X", "-d", "postgres", "-c", "SELECT pg_sleep(60)")
                .env(host.adminToolEnv())
                .timeout(Duration.ofSeconds(1))
                .build());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(result.timedOut());
        assertFalse(result.succeeded());
        assertTrue(tookMs < 15_000, "took " + tookMs + " ms");
        assertEquals("psql timed out", result.describeFailure("psql"));
    }

    @Test
    void keepsStderrButNeverThePassword() {
        Map<String, String> env = new java.util.HashMap<>(host.adminToolEnv());
        env.put("PGPASSWORD", "s3cret-password-visible");
        ToolResult result = RUNNER.run(ToolInvocation.of("psql")
                .args("-X", "-d", "postgres", "-c", "SELECT 's3cret-password-visible' FROM no_such_table")
                .env(env)
                .build());
        assertFalse(result.succeeded());
        String why = result.describeFailure("psql");
        assertTrue(why.contains("psql exited with"), why);
        assertFalse(why.contains("s3cret-password-visible"), why);
    }

    @Test
    void aFailingStreamTaskFailsTheRun() {
        ToolResult result = RUNNER.run(ToolInvocation.of("psql")
                .args("-X", "-d", "postgres", "-c", "SELECT generate_series(1, 100000)")
                .env(host.adminToolEnv())
                .stdout(stdout -> {
                    stdout.readNBytes(10);
                    throw new java.io.IOException("object storage unavailable");
                })
                .build());
        assertFalse(result.succeeded());
        assertTrue(
                result.describeFailure("psql").contains("object storage unavailable"), result.describeFailure("psql"));
    }

    @Test
    void aToolThatStopsReadingItsInputIsJudgedByItsExitStatus() {
        // Like pg_restore --list: it reads what it needs, closes its stdin and takes a moment more to exit, while
        // the caller still writes. The closed pipe is no failure; killing the tool for it (as the runner once did,
        // rejecting valid uploaded dumps now and then) would make one.
        byte[] chunk = new byte[64 * 1024];
        for (String exit : new String[] {"0", "3"}) {
            ToolResult result = RUNNER.run(ToolInvocation.of("sh")
                    .args("-c", "head -c 10 >/dev/null; exec 0<&-; sleep 0.3; exit " + exit)
                    .stdin(in -> {
                        for (int i = 0; i < 1024; i++) {
                            in.write(chunk);
                        }
                    })
                    .build());
            assertEquals(Integer.parseInt(exit), result.exitCode(), result.describeFailure("sh"));
            assertEquals(exit.equals("0"), result.succeeded(), result.describeFailure("sh"));
        }
        // A failure of the source the input is copied from is still the stream's failure.
        ToolResult broken = RUNNER.run(ToolInvocation.of("sh")
                .args("-c", "cat >/dev/null")
                .stdin(in -> {
                    in.write(chunk);
                    throw new java.io.IOException("object storage unavailable");
                })
                .build());
        assertFalse(broken.succeeded());
        assertTrue(broken.describeFailure("sh").contains("object storage unavailable"), broken.describeFailure("sh"));
    }

    @Test
    void refusesToBlockAnEventLoop() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Throwable> seen = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                try {
                    RUNNER.run(ToolInvocation.of("psql").args("--version").build());
                    seen.complete(null);
                } catch (Throwable t) {
                    seen.complete(t);
                }
            });
            Throwable t = seen.get(10, TimeUnit.SECONDS);
            assertTrue(t instanceof IllegalStateException, "expected a refusal, got " + t);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void tailBufferKeepsTheEnd() {
        ToolRunner.TailBuffer tail = new ToolRunner.TailBuffer(8);
        for (byte b : "0123456789abcdef".getBytes(StandardCharsets.UTF_8)) {
            tail.write(b);
        }
        assertEquals("89abcdef", tail.text());
    }
}
