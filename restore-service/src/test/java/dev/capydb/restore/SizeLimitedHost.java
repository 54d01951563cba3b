package dev.capydb.restore;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PostgreSQL cluster registered as data-plane host {@value #ID}, whose data directory lives on a
 * size-limited filesystem (a tmpfs of {@value #SIZE_MB} MB mounted for the test) so that a restore can really run
 * out of disk. Its WAL lives on the ordinary disk, as on hosts with a separate WAL volume: a full data volume then
 * fails the statement that needed the space, not the whole cluster. If this machine refuses the mount, the test
 * fails and says so; it is never skipped.
 */
public class SizeLimitedHost implements QuarkusTestResourceLifecycleManager {

    static final String ID = "tiny-1";
    static final int SIZE_MB = 96;

    private static final String PG_BIN = System.getenv().getOrDefault("CAPYDB_PG_BIN", "/usr/lib/postgresql/15/bin");
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    /** The size-limited volume of the running host, for a test to read its free space. */
    static volatile Path volume;

    private Path root;
    private boolean mounted;

    @Override
    public Map<String, String> start() {
        try {
            root = Files.createTempDirectory("capydb-size-limited-host");
            volume = root.resolve("volume");
            Files.createDirectories(volume);
            run(
                    List.of(
                            "mount",
                            "-t",
                            "tmpfs",
                            "-o",
                            "size=" + SIZE_MB + "m,mode=0700",
                            "tmpfs",
                            volume.toString()),
                    false,
                    "this machine refused to mount a size-limited filesystem for the disk-full test");
            mounted = true;
            if (ROOT) {
                run(List.of("chown", "-R", "postgres:postgres", root.toString()), false, "chown");
            }
            Path data = volume.resolve("data");
            run(
                    List.of(
                            PG_BIN + "/initdb",
                            "-D",
                            data.toString(),
                            "--waldir=" + root.resolve("wal"),
                            "-U",
                            "postgres",
                            "--auth=trust",
                            "-E",
                            "UTF8",
                            "--locale=C.UTF-8",
                            "--no-sync"),
                    true,
                    "initdb");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            run(
                    List.of(
                            PG_BIN + "/pg_ctl",
                            "-D",
                            data.toString(),
                            "-l",
                            root.resolve("server.log").toString(),
                            "-w",
                            "-o",
                            "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1 -c fsync=off",
                            "start"),
                    true,
                    "pg_ctl start");
            String prefix = "capydb.dataplane.hosts." + ID + ".";
            return Map.of(
                    prefix + "region",
                    ID,
                    prefix + "port",
                    String.valueOf(port),
                    prefix + "admin-password",
                    "trust-auth-needs-none",
                    prefix + "pitr",
                    "false");
        } catch (IOException | InterruptedException e) {
            stop();
            throw new IllegalStateException("cannot start the size-limited host: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        try {
            if (mounted) {
                run(
                        List.of(PG_BIN + "/pg_ctl", "-D", volume.resolve("data").toString(), "-m", "immediate", "stop"),
                        true,
                        null);
                run(List.of("umount", volume.toString()), false, null);
            }
            if (root != null && Files.exists(root)) {
                try (var paths = Files.walk(root)) {
                    paths.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("could not tear the size-limited host down: " + e.getMessage());
        }
    }

    /** Runs a command (as postgres when {@code asPostgres} and we are root); {@code what} null means best effort. */
    private static void run(List<String> command, boolean asPostgres, String what)
            throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres && ROOT) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        if (what != null && p.exitValue() != 0) {
            throw new IOException(what + ": " + String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
        }
    }
}
