package dev.capydb.restore.dataplane;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.dataplane.pgbackrest.BackupSet;
import dev.capydb.dataplane.pgbackrest.PgBackRest;
import dev.capydb.restore.config.RestoreConfig;
import dev.capydb.restore.service.PitrWindow;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Point-in-time recovery in a private scratch cluster. pgBackRest restores the chosen backup set into a scratch
 * directory, copying only the project database's files (the host's other databases become sparse zero files, so the
 * cost follows the project, not its neighbours); WAL comes from the repository ({@code restore_command} is pgBackRest's
 * {@code archive-get}) up to {@code recovery_target_time}; the cluster is promoted on a free loopback port, and the
 * caller dumps the project's database out of it. A base backup made before pgBackRest (one tar object) is unpacked
 * whole instead, its WAL read from the old archive and then from pgBackRest's. The scratch cluster is stopped and
 * deleted by {@link Cluster#close()}, also after a failure. Each scratch directory holds a file lock for as long as its
 * restore runs, so the directories of a killed service (a cluster may even still be running there) are told apart from
 * live ones and swept at start and every few minutes.
 */
@ApplicationScoped
public class PitrRecovery {

    private static final Logger LOG = Logger.getLogger(PitrRecovery.class);
    private static final String SCRATCH_PREFIX = "capydb-pitr-";
    private static final String LOCK_FILE = "capydb-restore.lock";
    private static final String SCRATCH_HBA = "capydb_scratch_hba.conf";

    /** A recovered scratch cluster, reachable like a host; closing it stops and deletes it. */
    public final class Cluster implements AutoCloseable {
        private final Path dir;
        private final DatabaseHost host;
        private final FileLock owner;

        Cluster(Path dir, DatabaseHost host, FileLock owner) {
            this.dir = dir;
            this.host = host;
            this.owner = owner;
        }

        public DatabaseHost host() {
            return host;
        }

        @Override
        public void close() {
            discard(dir, owner);
        }
    }

    private final ToolRunner tools;
    private final PgBackRest pgBackRest;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final RestoreConfig config;
    private final java.util.Optional<String> pgBinDir;

    public PitrRecovery(ToolRunner tools, PgBackRest pgBackRest, ObjectStore store, StorageConfig storage,
                        RestoreConfig config, dev.capydb.dataplane.DataplaneConfig dataplane) {
        this.pgBinDir = dataplane.pgBinDir();
        this.tools = tools;
        this.pgBackRest = pgBackRest;
        this.store = store;
        this.storage = storage;
        this.config = config;
    }

    /**
     * Recovers {@code database} of {@code source} to {@code target} from {@code base}; {@code replaying} is told when
     * the files are in place and WAL replay starts.
     */
    public Cluster recover(DatabaseHost source, PitrWindow.BaseBackupRef base, Instant target, String database,
                           Runnable replaying) throws RestoreFailure {
        Path dir;
        FileLock owner;
        try {
            dir = Files.createTempDirectory(scratchRoot(), SCRATCH_PREFIX);
            owner = lock(dir);
            if (owner == null) {
                throw new IOException("its lock is taken");
            }
            chownToClusterUser(dir);
        } catch (IOException e) {
            throw new RestoreFailure("cannot create a scratch directory: " + e.getMessage());
        }
        Path data = dir.resolve("data");
        try {
            Path repoConfig = pgBackRestConfig(source, dir, data);
            if (base.label() != null) {
                restoreSet(source, base.label(), repoConfig, data, target, database);
            } else {
                unpack(base.objectKey(), data);
            }
            replaying.run();
            int port = freePort();
            configure(source, dir, data, port, target, base.label() == null ? repoConfig : null);
            ToolResult started = tools.run(asClusterUser("pg_ctl", "--pgdata=" + data, "--log=" + dir.resolve("recovery.log"),
                    "--wait", "--timeout=" + config.pitr().recoveryTimeout().toSeconds(), "start")
                    .timeout(config.pitr().recoveryTimeout().plusMinutes(1)).build());
            DatabaseHost scratch = new DatabaseHost("pitr-scratch", source.region(), "127.0.0.1", port, source.adminUser(),
                    source.adminPassword(), false, "127.0.0.1", port, "postgres",
                    // Its pg_dump then reads through the socket the scratch cluster opens in its own directory.
                    java.util.Optional.of(dir.toString()));
            Cluster cluster = new Cluster(dir, scratch, owner);
            if (!started.succeeded()) {
                throw new RestoreFailure(recoveryError(dir, started.describeFailure("pg_ctl start")));
            }
            awaitPromotion(cluster, dir);
            if (base.label() != null) {
                requireIntact(cluster, dir, database);
            }
            return cluster;
        } catch (RestoreFailure | RuntimeException e) {
            discard(dir, owner);
            throw e;
        }
    }

    /** The scratch cluster's own pgBackRest configuration (0600, its user's): its restore_command reads it. */
    private Path pgBackRestConfig(DatabaseHost source, Path dir, Path data) throws RestoreFailure {
        try {
            Path locks = dir.resolve("pgbackrest-lock");
            Files.createDirectories(locks);
            Files.createDirectories(data);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            Path file = pgBackRest.writeConfig(dir, source, java.util.Optional.of(data), locks);
            chownTree(dir);
            return file;
        } catch (IOException e) {
            throw new RestoreFailure("cannot configure pgBackRest: " + e.getMessage());
        }
    }

    /**
     * pgBackRest restores the set: the project's database and the system ones in full, every other one sparse
     * ({@link DatabaseSelection}). A database the set lists but holds no files of (dropped while the backup ran) is
     * refused by pgBackRest before it writes anything: the restore runs again without it.
     */
    private void restoreSet(DatabaseHost source, String label, Path repoConfig, Path data, Instant target, String database)
            throws RestoreFailure {
        BackupSet set;
        try {
            set = pgBackRest.set(source, label);
        } catch (RuntimeException e) {
            throw new RestoreFailure("cannot read base backup " + label + " of " + source.id() + ": " + e.getMessage());
        }
        DatabaseSelection selection = DatabaseSelection.of(set, database);
        while (true) {
            List<String> args = pgBackRest.restoreArgs(repoConfig, source, set, data, target, selection.include(),
                    selection.exclude());
            ToolResult restored = tools.run(asClusterUser(PgBackRest.TOOL, args.toArray(String[]::new))
                    .timeout(config.pitr().recoveryTimeout()).build());
            if (restored.succeeded()) {
                return;
            }
            java.util.Optional<DatabaseSelection> next = selection.withoutMissing(set, database, restored.stderr());
            if (next.isEmpty()) {
                throw new RestoreFailure("cannot restore base backup " + label + ": "
                        + restored.describeFailure("pgbackrest restore"));
            }
            LOG.infof("base backup %s holds no files of %s (dropped while it ran): restoring without it", label,
                    next.get().missing().get(next.get().missing().size() - 1));
            selection = next.get();
            emptyDirectory(data);   // pgBackRest restores only into an empty directory
        }
    }

    /** Stops whatever cluster runs in {@code dir}, deletes it, then lets its lock go. */
    private void discard(Path dir, FileLock owner) {
        Path data = dir.resolve("data");
        if (Files.exists(data.resolve("postmaster.pid"))) {
            tools.run(asClusterUser("pg_ctl", "--pgdata=" + data, "--mode=immediate", "--wait", "stop").build());
        }
        deleteTree(dir);
        try {
            owner.channel().close();
        } catch (IOException e) {
            LOG.debugf("closing the lock of %s: %s", dir, e.getMessage());
        }
    }

    /**
     * Stops and deletes scratch clusters nobody holds any more (their service was killed mid-restore). A directory
     * whose lock another process (or a restore of this one) holds is left alone.
     */
    @Scheduled(every = "5m", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweepTick() {
        sweepAbandoned();
    }

    void sweepAtStart(@Observes StartupEvent start) {
        sweepAbandoned();
    }

    /** Returns how many abandoned scratch directories were removed. */
    public int sweepAbandoned() {
        List<Path> candidates;
        try (Stream<Path> dirs = Files.list(scratchRoot())) {
            candidates = dirs.filter(d -> d.getFileName().toString().startsWith(SCRATCH_PREFIX) && Files.isDirectory(d))
                    .toList();
        } catch (IOException e) {
            LOG.warnf("cannot look for abandoned scratch clusters: %s", e.getMessage());
            return 0;
        }
        int removed = 0;
        for (Path dir : candidates) {
            FileLock owner;
            try {
                owner = lock(dir);
            } catch (IOException | OverlappingFileLockException e) {
                continue;
            }
            if (owner == null) {
                continue;
            }
            LOG.infof("removing the abandoned scratch cluster %s", dir);
            discard(dir, owner);
            removed++;
        }
        return removed;
    }

    private Path scratchRoot() {
        return Path.of(config.pitr().scratchDir().orElse(System.getProperty("java.io.tmpdir")));
    }

    /** This process's hold on {@code dir}; null when another process holds it. */
    private static FileLock lock(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
        }
        return lock;
    }

    /** An old-style base backup: one gzip'd tar of the whole host. */
    private void unpack(String key, Path dir) throws RestoreFailure {
        ToolResult untar = tools.run(asClusterUser("tar", "--extract", "--gzip", "--file=-", "--directory=" + dir)
                .stdin(in -> {
                    try (InputStream object = store.open(storage.walBucket(), key)) {
                        object.transferTo(in);
                    }
                }).build());
        if (!untar.succeeded()) {
            throw new RestoreFailure("cannot unpack base backup " + key + ": " + untar.describeFailure("tar"));
        }
    }

    /**
     * The scratch cluster's settings. pgBackRest wrote the recovery settings of a backup set; an old-style base
     * backup gets them here ({@code legacyConfig} non-null): WAL from the old archive with curl (credentials in a 0600
     * curl config file, never in argv), then from pgBackRest's archive for what was archived after the change.
     */
    private void configure(DatabaseHost source, Path dir, Path data, int port, Instant target, Path legacyConfig)
            throws RestoreFailure {
        try {
            List<String> conf = new ArrayList<>(List.of(
                    "port = " + port,
                    "listen_addresses = '127.0.0.1'",
                    "unix_socket_directories = '" + dir + "'",
                    // It holds every tenant's data of the host: only the platform's admin may log in, never a tenant.
                    "hba_file = '" + dir.resolve(SCRATCH_HBA) + "'",
                    "archive_mode = off",
                    "shared_buffers = '32MB'"));
            if (legacyConfig != null) {
                Path curlrc = dir.resolve("s3.curlrc");
                write(curlrc, "user = \"" + storage.accessKey() + ":" + storage.secretKey() + "\"\n"
                        + "aws-sigv4 = \"aws:amz:" + storage.region() + ":s3\"\n"
                        + "header = \"x-amz-content-sha256: UNSIGNED-PAYLOAD\"\n"
                        + "fail\nsilent\nshow-error\n");
                String walUrl = storage.endpoint() + "/" + storage.walBucket() + "/" + source.id() + "/%f";
                conf.add("restore_command = 'curl --config " + curlrc + " --output \"%p\" \"" + walUrl + "\" || "
                        + PgBackRest.TOOL + " --config=" + legacyConfig + " --stanza=" + source.id()
                        + " archive-get %f \"%p\"'");
                conf.add("recovery_target_time = '" + PgBackRest.pgTimestamp(target) + "'");
                conf.add("recovery_target_action = 'promote'");
                write(data.resolve("recovery.signal"), "");
                Files.deleteIfExists(data.resolve("postmaster.pid"));
            } else {
                // The neighbours' databases are zero-filled files: WAL touching them is reported, and judged after.
                conf.add("ignore_invalid_pages = on");
            }
            Files.writeString(data.resolve("postgresql.auto.conf"), String.join("\n", conf) + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.CREATE);
            write(dir.resolve(SCRATCH_HBA), "local all " + source.adminUser() + " scram-sha-256\n"
                    + "host all " + source.adminUser() + " 127.0.0.1/32 scram-sha-256\n");
            chownTree(dir);
        } catch (IOException e) {
            throw new RestoreFailure("cannot configure recovery: " + e.getMessage());
        }
    }

    private void awaitPromotion(Cluster cluster, Path dir) throws RestoreFailure {
        long deadline = System.nanoTime() + config.pitr().recoveryTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = cluster.host().maintenanceConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return;
                }
            } catch (SQLException e) {
                String log = log(dir);
                if (log.contains("recovery ended before configured recovery target was reached")) {
                    throw new RestoreFailure("recovery ended before the target time: the WAL up to it is not archived");
                }
            }
            sleep(200);
        }
        throw new RestoreFailure("recovery did not reach the target within " + config.pitr().recoveryTimeout());
    }

    /**
     * Fails the restore when WAL replay referenced pages of {@code database} (or of the shared catalogs) that the
     * restored files did not hold; such references in the neighbours' zero-filled databases are expected and ignored.
     */
    private void requireIntact(Cluster cluster, Path dir, String database) throws RestoreFailure {
        InvalidPages pages;
        try (Stream<String> log = Files.lines(dir.resolve("recovery.log"))) {
            pages = InvalidPages.in(log);
        } catch (IOException | UncheckedIOException e) {
            throw new RestoreFailure("cannot read the scratch cluster's log: " + e.getMessage());
        }
        if (pages.count() == 0) {
            return;
        }
        long oid = -1;
        try (Connection c = cluster.host().maintenanceConnection();
             PreparedStatement st = c.prepareStatement("SELECT oid FROM pg_catalog.pg_database WHERE datname = ?")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    oid = rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new RestoreFailure("cannot check the recovered copy: " + e.getMessage());
        }
        if (pages.touch(oid)) {
            LOG.warnf("scratch cluster %s: WAL referenced %d page(s) its files did not hold; the first:%n%s", dir,
                    pages.count(), String.join("\n", pages.lines()));
            throw new RestoreFailure("WAL replay referenced pages of the project's database that the base backup "
                    + "does not hold: the recovered copy would be incomplete");
        }
        LOG.infof("scratch cluster %s: %d page reference(s) into other projects' databases, left out by design, ignored",
                dir, pages.count());
    }

    private static String recoveryError(Path dir, String fallback) {
        String log = log(dir);
        if (log.contains("recovery ended before configured recovery target was reached")) {
            return "recovery ended before the target time: the WAL up to it is not archived";
        }
        // The scratch directory, and its log with it, is deleted after a failure: keep what says why, here and in ours.
        String why = String.join(" | ", log.lines().filter(l -> l.matches(".*\\b(PANIC|FATAL|ERROR):.*")).limit(3).toList());
        if (!log.isBlank()) {
            LOG.warnf("scratch cluster %s did not start; the end of its log:%n%s", dir,
                    String.join("\n", log.lines().skip(Math.max(0, log.lines().count() - 30)).toList()));
        }
        return fallback + (why.isBlank() ? "" : "; " + why);
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("recovery.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private ToolInvocation.Builder asClusterUser(String tool, String... args) {
        String user = config.pitr().runAs().filter(u -> !u.isBlank() && isRoot()).orElse(null);
        if (user == null) {
            return ToolInvocation.of(tool).args(args);
        }
        List<String> all = new ArrayList<>(List.of("-u", user, "--", toolPath(tool)));
        all.addAll(List.of(args));
        return ToolInvocation.of("runuser").args(all.toArray(String[]::new));
    }

    /** runuser needs the tool's path; PostgreSQL's server tools are not on PATH on Debian. */
    private String toolPath(String tool) {
        return pgBinDir.map(bin -> Path.of(bin, tool)).filter(Files::isExecutable).map(Path::toString).orElse(tool);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void chownToClusterUser(Path path) throws IOException {
        String user = config.pitr().runAs().filter(u -> !u.isBlank() && isRoot()).orElse(null);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        if (user != null) {
            Files.setOwner(path, path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
        }
    }

    private void chownTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.toList()) {
                if (config.pitr().runAs().filter(u -> !u.isBlank() && isRoot()).isPresent()) {
                    Files.setOwner(p, p.getFileSystem().getUserPrincipalLookupService()
                            .lookupPrincipalByName(config.pitr().runAs().get()));
                }
            }
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static int freePort() throws RestoreFailure {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new RestoreFailure("no free port for the scratch cluster");
        }
    }

    private static void emptyDirectory(Path dir) throws RestoreFailure {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new RestoreFailure("cannot empty " + dir + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not delete scratch directory %s: %s", dir, e.getMessage());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
