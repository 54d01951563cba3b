package dev.capydb.dataplane.pgbackrest;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.DataplaneConfig;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.StreamTask;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * pgBackRest, the physical engine under point-in-time recovery: base backups (full, differential, incremental) of a
 * PITR host into the S3 repository, what the repository holds, and the arguments of a selective restore. A host's
 * stanza is named after the host. The repository credentials travel in a private (0600) configuration file, never in
 * argv; the service's own runs use a temporary one, a restore keeps its own next to the cluster it restores, because
 * that cluster's {@code restore_command} reads it for as long as it replays WAL.
 */
@ApplicationScoped
public class PgBackRest {

    public static final String TOOL = "pgbackrest";
    private static final Duration INFO_TIMEOUT = Duration.ofMinutes(2);

    private final ToolRunner tools;
    private final StorageConfig storage;
    private final PgBackRestConfig config;
    private final DataplaneConfig dataplane;

    public PgBackRest(ToolRunner tools, StorageConfig storage, PgBackRestConfig config, DataplaneConfig dataplane) {
        this.tools = tools;
        this.storage = storage;
        this.config = config;
        this.dataplane = dataplane;
    }

    /**
     * Writes {@code dir/pgbackrest.conf} (mode 0600): the repository, and the host's stanza with {@code pgPath} as its
     * data directory when given (a restore target), else the host's own ({@code data-directory}, reached on this
     * machine or through the host's pgBackRest TLS server, {@code pgbackrest-host}).
     */
    public Path writeConfig(Path dir, DatabaseHost host, Optional<Path> pgPath, Path lockPath) throws IOException {
        URI endpoint = URI.create(config.endpoint());
        List<String> lines = new ArrayList<>(List.of(
                "[global]",
                "repo1-type=s3",
                "repo1-path=" + config.repoPath(),
                "repo1-s3-bucket=" + storage.walBucket(),
                "repo1-s3-endpoint=" + endpoint.getHost(),
                "repo1-storage-port=" + (endpoint.getPort() > 0 ? endpoint.getPort() : 443),
                "repo1-s3-uri-style=" + config.uriStyle(),
                "repo1-s3-region=" + config.region(),
                "repo1-s3-key=" + config.accessKey(),
                "repo1-s3-key-secret=" + config.secretKey(),
                "compress-type=" + config.compressType(),
                "process-max=" + config.processMax(),
                "io-timeout=" + config.ioTimeoutSeconds(),
                "lock-path=" + lockPath,
                "log-level-file=off",
                "log-level-console=off",
                "log-level-stderr=warn",
                "start-fast=y"));
        config.caFile().ifPresent(ca -> lines.add("repo1-storage-ca-file=" + ca));
        lines.add("[" + host.id() + "]");
        DataplaneConfig.HostSettings settings = dataplane.hosts().get(host.id());
        if (pgPath.isPresent()) {
            lines.add("pg1-path=" + pgPath.get());
        } else {
            host.socketDirectory().filter(s -> !s.isBlank()).ifPresent(s -> lines.add("pg1-socket-path=" + s));
            lines.add("pg1-port=" + host.port());
            lines.add("pg1-user=" + host.adminUser());
            if (settings != null) {
                settings.dataDirectory().filter(d -> !d.isBlank()).ifPresent(d -> lines.add("pg1-path=" + d));
                settings.pgbackrestHost().filter(h -> !h.isBlank()).ifPresent(h -> {
                    lines.add("pg1-host=" + h);
                    lines.add("pg1-host-type=tls");
                    lines.add("pg1-host-port=" + config.tlsServerPort());
                    config.tlsClientCertFile().ifPresent(f -> lines.add("pg1-host-cert-file=" + f));
                    config.tlsClientKeyFile().ifPresent(f -> lines.add("pg1-host-key-file=" + f));
                    config.tlsServerCaFile().ifPresent(f -> lines.add("pg1-host-ca-file=" + f));
                });
            }
        }
        Path file = dir.resolve("pgbackrest.conf");
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Creates the host's stanza in the repository, or checks it matches the host when it exists. */
    public void ensureStanza(DatabaseHost host) {
        ToolResult r = run(host, List.of("stanza-create"), Duration.ofMinutes(5), null);
        if (!r.succeeded()) {
            throw new IllegalStateException(r.describeFailure("pgbackrest stanza-create"));
        }
    }

    /**
     * Takes a backup of {@code kind} of the host and returns it. Backups older than {@code retention} beyond what a
     * point-in-time target inside it needs are expired by pgBackRest right after (with the WAL only they needed).
     */
    public BackupSet backup(DatabaseHost host, BackupType kind, Duration retention, Duration timeout) {
        List<String> before = sets(host).stream().map(BackupSet::label).toList();
        ToolResult r = run(
                host,
                List.of(
                        "--type=" + kind.option(),
                        "--repo1-retention-full-type=time",
                        "--repo1-retention-full=" + retentionDays(retention),
                        "backup"),
                timeout,
                null);
        if (!r.succeeded()) {
            throw new IllegalStateException(r.describeFailure("pgbackrest backup"));
        }
        return sets(host).stream()
                .filter(s -> !before.contains(s.label()))
                .max(Comparator.comparing(BackupSet::stopTime))
                .orElseThrow(
                        () -> new IllegalStateException("pgbackrest backup ended but the repository shows no new set"));
    }

    /** Expires what {@code retention} no longer needs, as {@link #backup} does after each backup. */
    public void expire(DatabaseHost host, Duration retention) {
        ToolResult r = run(
                host,
                List.of(
                        "--repo1-retention-full-type=time",
                        "--repo1-retention-full=" + retentionDays(retention),
                        "expire"),
                Duration.ofMinutes(30),
                null);
        if (!r.succeeded()) {
            throw new IllegalStateException(r.describeFailure("pgbackrest expire"));
        }
    }

    /** pgBackRest keeps time-based retention in whole days: round up, so the window is never shorter than asked. */
    static int retentionDays(Duration retention) {
        return (int) Math.max(1, (retention.toHours() + 23) / 24);
    }

    /** The host's backup sets, oldest first (empty before the first backup). */
    public List<BackupSet> sets(DatabaseHost host) {
        return parse(info(host, List.of("--output=json", "info")));
    }

    /** One set with the databases it holds (name order). */
    public BackupSet set(DatabaseHost host, String label) {
        return parse(info(host, List.of("--output=json", "--set=" + label, "info"))).stream()
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "backup set " + label + " of " + host.id() + " is not in the repository"));
    }

    /**
     * The arguments of a restore of {@code set} of the host into {@code pgPath}, recovering to {@code target} and then
     * promoting. The files of {@code include} and of the system databases are copied and those of {@code exclude}
     * become sparse zero files (with includes, every database not named is excluded): a restore costs what the
     * databases it copies weigh, not the host.
     */
    public List<String> restoreArgs(
            Path configFile,
            DatabaseHost host,
            BackupSet set,
            Path pgPath,
            Instant target,
            List<String> include,
            List<String> exclude) {
        List<String> args = new ArrayList<>(List.of(
                "--config=" + configFile,
                "--stanza=" + host.id(),
                "--pg1-path=" + pgPath,
                "--set=" + set.label(),
                "--type=time",
                "--target=" + pgTimestamp(target),
                "--target-action=promote"));
        include.forEach(d -> args.add("--db-include=" + d));
        exclude.forEach(d -> args.add("--db-exclude=" + d));
        args.add("restore");
        return args;
    }

    /** The form recovery_target_time accepts (it refuses ISO 8601's 'T' and 'Z'). */
    public static String pgTimestamp(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS")
                        .withZone(ZoneOffset.UTC)
                        .format(t) + "+00";
    }

    private String info(DatabaseHost host, List<String> args) {
        AtomicReference<String> out = new AtomicReference<>("");
        ToolResult r =
                run(host, args, INFO_TIMEOUT, in -> out.set(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        if (!r.succeeded()) {
            throw new IllegalStateException(r.describeFailure("pgbackrest info"));
        }
        return out.get();
    }

    static List<BackupSet> parse(String json) {
        JsonArray stanzas = new JsonArray(json.isBlank() ? "[]" : json);
        List<BackupSet> sets = new ArrayList<>();
        for (int i = 0; i < stanzas.size(); i++) {
            JsonArray backups = stanzas.getJsonObject(i).getJsonArray("backup", new JsonArray());
            for (int j = 0; j < backups.size(); j++) {
                JsonObject b = backups.getJsonObject(j);
                JsonObject info = b.getJsonObject("info", new JsonObject());
                JsonArray refs = b.getJsonArray("database-ref", new JsonArray());
                List<String> databases = new ArrayList<>();
                for (int k = 0; k < refs.size(); k++) {
                    databases.add(refs.getJsonObject(k).getString("name"));
                }
                databases.sort(null);
                sets.add(new BackupSet(
                        b.getString("label"),
                        BackupType.of(b.getString("type")),
                        b.getString("prior"),
                        Instant.ofEpochSecond(b.getJsonObject("timestamp").getLong("start")),
                        Instant.ofEpochSecond(b.getJsonObject("timestamp").getLong("stop")),
                        b.getJsonObject("lsn").getString("start"),
                        b.getJsonObject("lsn").getString("stop"),
                        info.getLong("size", 0L),
                        info.getJsonObject("repository", new JsonObject()).getLong("delta", 0L),
                        List.copyOf(databases)));
            }
        }
        sets.sort(Comparator.comparing(BackupSet::stopTime));
        return sets;
    }

    /** Runs one pgBackRest command for the host with a temporary private configuration. */
    private ToolResult run(DatabaseHost host, List<String> args, Duration timeout, StreamTask<InputStream> stdout) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory(
                    "capydb-pgbackrest-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path file = writeConfig(dir, host, Optional.empty(), lockPath());
            List<String> all = new ArrayList<>(List.of("--config=" + file, "--stanza=" + host.id()));
            all.addAll(args);
            ToolInvocation.Builder inv = ToolInvocation.of(TOOL)
                    .args(all.toArray(String[]::new))
                    .timeout(timeout)
                    .env(Map.of("PGPASSWORD", host.adminPassword()));
            if (stdout != null) {
                inv.stdout(stdout);
            }
            return tools.run(inv.build());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a pgBackRest configuration: " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    private Path lockPath() throws IOException {
        Path lock = Path.of(config.lockPath()
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "capydb-pgbackrest-locks")
                        .toString()));
        Files.createDirectories(lock);
        return lock;
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A temporary directory of 0600 files; the OS cleans the rest.
        }
    }
}
