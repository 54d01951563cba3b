package dev.capydb.e2e;

import dev.capydb.testing.Waits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Breaks and mends the local stack for the fault suite: kills a component by its pid file, starts it again. */
final class StackControl {

    /** The services dev/stack starts, with their port variables: all must be ready again after a fault. */
    static final List<String[]> SERVICES = List.of(
            new String[] {"project-service", "CAPYDB_PROJECT_PORT", "8081"},
            new String[] {"backup-service", "CAPYDB_BACKUP_PORT", "8082"},
            new String[] {"restore-service", "CAPYDB_RESTORE_PORT", "8083"},
            new String[] {"import-service", "CAPYDB_IMPORT_PORT", "8084"},
            new String[] {"cutover-service", "CAPYDB_CUTOVER_PORT", "8085"},
            new String[] {"webhook-service", "CAPYDB_WEBHOOK_PORT", "8086"},
            new String[] {"gateway", "CAPYDB_GATEWAY_PORT", "8080"});

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private StackControl() {}

    /** The repository root (the suite runs in {@code e2e/}). */
    static Path repo() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("dev/stack")) ? here : here.getParent();
    }

    static Path home() {
        return Path.of(Stack.env("CAPYDB_HOME", repo().resolve(".stack").toString()));
    }

    /** Where s3proxy keeps the objects of {@code bucket} (its filesystem backend). */
    static Path objectFile(String bucket, String key) {
        return home().resolve("state/s3proxy/data").resolve(bucket).resolve(key);
    }

    /**
     * The keys of the multipart uploads open in {@code bucket} under {@code prefix}, as S3's ListMultipartUploads
     * answers (curl signs it; the header is the one SigV4 requires and curl leaves out).
     */
    static List<String> openUploads(String bucket, String prefix) throws Exception {
        String xml = run(
                List.of(
                        "curl",
                        "-sS",
                        "--fail",
                        "--aws-sigv4",
                        "aws:amz:" + Stack.env("CAPYDB_S3_REGION", "us-east-1") + ":s3",
                        "--user",
                        Stack.env("CAPYDB_S3_ACCESS_KEY", "capydb") + ":"
                                + Stack.env("CAPYDB_S3_SECRET_KEY", "capydb-secret"),
                        "-H",
                        "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                        // No prefix parameter: curl 7.88's signature of a second query parameter does not match
                        // s3proxy's.
                        "http://127.0.0.1:" + Stack.env("CAPYDB_S3_PORT", "9000") + "/" + bucket + "?uploads="),
                Duration.ofSeconds(30));
        List<String> keys = new ArrayList<>();
        Matcher m =
                Pattern.compile("<Upload>.*?<Key>(.*?)</Key>", Pattern.DOTALL).matcher(xml);
        while (m.find()) {
            if (m.group(1).startsWith(prefix)) {
                keys.add(m.group(1));
            }
        }
        return keys;
    }

    /**
     * Waits up to two minutes (backup-service sweeps every 10 s on the dev stack, its first pass 10 s after a start)
     * for no multipart upload to be open under {@code prefix} in the backups bucket; returns those still open.
     */
    static List<String> openBackupUploadsAfterTheSweep(String prefix) throws Exception {
        // Once a second: each look lists the bucket's uploads through curl.
        Waits.within(
                Waits.await("the sweep aborts the uploads under " + prefix, Duration.ofMinutes(2))
                        .pollInterval(Duration.ofSeconds(1)),
                () -> openUploads("capydb-backups", prefix).isEmpty());
        return openUploads("capydb-backups", prefix);
    }

    static long pid(String component) throws IOException {
        return Long.parseLong(Files.readString(home().resolve("state/pids/" + component + ".pid"))
                .strip());
    }

    /** Kills {@code component} with SIGKILL (a crash: no shutdown hooks) and waits until it is gone. */
    static void crash(String component) throws Exception {
        signal(component, "KILL");
    }

    /** Stops {@code component} with SIGTERM and waits until it is gone. */
    static void stop(String component) throws Exception {
        signal(component, "TERM");
    }

    /** Stops a PostgreSQL cluster the way a host restart does: SIGINT, PostgreSQL's fast shutdown (sessions end). */
    static void fastStop(String component) throws Exception {
        signal(component, "INT");
    }

    private static void signal(String component, String signal) throws Exception {
        long pid = pid(component);
        run(List.of("kill", "-" + signal, Long.toString(pid)), Duration.ofSeconds(10));
        Waits.until(
                Duration.ofSeconds(60),
                component + " (pid " + pid + ") stops",
                () -> !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** Starts whatever is stopped ({@code dev/stack up} keeps the running services' egress mode) and waits for all. */
    static void up() throws Exception {
        up(Map.of());
    }

    /**
     * Stops {@code component} and starts it again through {@code dev/stack up} with {@code env} added, e.g. the
     * object store with injected latency ({@code CAPYDB_S3PROXY_EXTRA_PROPERTIES}); an empty map restores it.
     */
    static void restart(String component, Map<String, String> env) throws Exception {
        stop(component);
        up(env);
    }

    /**
     * Starts whatever infrastructure is stopped ({@code dev/stack up --infra}) without waiting for the services: for
     * a test that may stop a component again before the services would all report ready.
     */
    static void upInfra() throws Exception {
        Process p = new ProcessBuilder("bash", repo().resolve("dev/stack").toString(), "up", "--infra")
                .directory(repo().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
    }

    private static void up(Map<String, String> env) throws Exception {
        // What counts is that every service is ready again; dev/stack's own words go into the failure if not.
        ProcessBuilder pb = new ProcessBuilder(
                        "bash", repo().resolve("dev/stack").toString(), "up")
                .directory(repo().toFile())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        awaitServicesReady(out);
    }

    /** Every service answers ready: a fault test leaves the stack as it found it. */
    static void awaitServicesReady(String context) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        for (String[] s : SERVICES) {
            awaitReady(s[0], Integer.parseInt(Stack.env(s[1], s[2])), deadline, "dev/stack said: " + context);
        }
    }

    static void awaitReady(String name, int port, long deadline, String context) throws Exception {
        URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
        // A service found ready after the shared deadline still counts: each one gets at least one look.
        Duration left = Duration.ofNanos(
                Math.max(deadline - System.nanoTime(), Duration.ofSeconds(1).toNanos()));
        Waits.until(left, name + " on port " + port + " is ready; " + context, () -> {
            try {
                return HTTP.send(
                                        HttpRequest.newBuilder(ready)
                                                .timeout(Duration.ofSeconds(5))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200;
            } catch (IOException notYet) {
                return false; // starting
            }
        });
    }

    /**
     * Starts a second instance of {@code service} beside the one dev/stack runs: the same command line and
     * environment (so the same Kafka, control-plane database and storage), only its HTTP port differs. Its output
     * goes to {@code log}. Returns at once; {@link #awaitReady} tells when it serves.
     */
    static Process second(String service, int port, Path log) throws Exception {
        Path proc = Path.of("/proc", Long.toString(pid(service)));
        List<String> command = List.of(Files.readString(proc.resolve("cmdline")).split("\0"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(proc.resolve("cwd").toRealPath().toFile());
        pb.environment().clear();
        for (String entry : Files.readString(proc.resolve("environ")).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                pb.environment().put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        Files.createDirectories(log.getParent());
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static String run(List<String> command, Duration timeout) throws Exception {
        Process p = new ProcessBuilder(command)
                .directory(repo().toFile())
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeout);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " failed (" + p.exitValue() + "): " + text);
        }
        return text;
    }
}
