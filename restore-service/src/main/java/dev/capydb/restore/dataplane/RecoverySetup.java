package dev.capydb.restore.dataplane;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.dataplane.pgbackrest.BackupSet;
import dev.capydb.dataplane.pgbackrest.PgBackRest;
import dev.capydb.restore.config.RestoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;

/** Puts a scratch cluster's files and recovery settings in place: a pgBackRest backup set, or an old tar base backup. */
@ApplicationScoped
public class RecoverySetup {

    private static final Logger LOG = Logger.getLogger(RecoverySetup.class);
    private static final String SCRATCH_HBA = "capydb_scratch_hba.conf";

    private final ToolRunner tools;
    private final PgBackRest pgBackRest;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final RestoreConfig config;
    private final ClusterUser user;

    public RecoverySetup(
            ToolRunner tools,
            PgBackRest pgBackRest,
            ObjectStore store,
            StorageConfig storage,
            RestoreConfig config,
            ClusterUser user) {
        this.tools = tools;
        this.pgBackRest = pgBackRest;
        this.store = store;
        this.storage = storage;
        this.config = config;
        this.user = user;
    }

    /** The scratch cluster's own pgBackRest configuration (0600, its user's): its restore_command reads it. */
    Path pgBackRestConfig(DatabaseHost source, Path dir, Path data) throws RestoreFailure {
        try {
            Path locks = dir.resolve("pgbackrest-lock");
            Files.createDirectories(locks);
            Files.createDirectories(data);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
            Path file = pgBackRest.writeConfig(dir, source, Optional.of(data), locks);
            user.ownTree(dir);
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
    void restoreSet(DatabaseHost source, String label, Path repoConfig, Path data, Instant target, String database)
            throws RestoreFailure {
        BackupSet set;
        try {
            set = pgBackRest.set(source, label);
        } catch (RuntimeException e) {
            throw new RestoreFailure("cannot read base backup " + label + " of " + source.id() + ": " + e.getMessage());
        }
        DatabaseSelection selection = DatabaseSelection.of(set, database);
        while (true) {
            List<String> args = pgBackRest.restoreArgs(
                    repoConfig, source, set, data, target, selection.include(), selection.exclude());
            ToolResult restored = tools.run(user.tool(PgBackRest.TOOL, args.toArray(String[]::new))
                    .timeout(config.pitr().recoveryTimeout())
                    .build());
            if (restored.succeeded()) {
                return;
            }
            Optional<DatabaseSelection> next = selection.withoutMissing(set, database, restored.stderr());
            if (next.isEmpty()) {
                throw new RestoreFailure(
                        "cannot restore base backup " + label + ": " + restored.describeFailure("pgbackrest restore"));
            }
            LOG.infof(
                    "base backup %s holds no files of %s (dropped while it ran): restoring without it",
                    label, next.get().missing().get(next.get().missing().size() - 1));
            selection = next.get();
            emptyDirectory(data); // pgBackRest restores only into an empty directory
        }
    }

    /** An old-style base backup: one gzip'd tar of the whole host. */
    void unpack(String key, Path dir) throws RestoreFailure {
        ToolResult untar = tools.run(user.tool("tar", "--extract", "--gzip", "--file=-", "--directory=" + dir)
                .stdin(in -> {
                    try (InputStream object = store.open(storage.walBucket(), key)) {
                        object.transferTo(in);
                    }
                })
                .build());
        if (!untar.succeeded()) {
            throw new RestoreFailure("cannot unpack base backup " + key + ": " + untar.describeFailure("tar"));
        }
    }

    /**
     * The scratch cluster's settings. pgBackRest wrote the recovery settings of a backup set; an old-style base
     * backup gets them here ({@code legacyConfig} non-null): WAL from the old archive with curl (credentials in a 0600
     * curl config file, never in argv), then from pgBackRest's archive for what was archived after the change.
     */
    void configure(DatabaseHost source, Path dir, Path data, int port, Instant target, Path legacyConfig)
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
                // curl signs as the store's own S3 client does: its endpoint, region and keys (quarkus.s3.*).
                S3ServiceClientConfiguration s3 = store.client().serviceClientConfiguration();
                AwsCredentialsIdentity keys =
                        s3.credentialsProvider().resolveIdentity().join();
                Path curlrc = dir.resolve("s3.curlrc");
                write(
                        curlrc,
                        "user = \"" + keys.accessKeyId() + ":" + keys.secretAccessKey() + "\"\n"
                                + "aws-sigv4 = \"aws:amz:" + s3.region().id() + ":s3\"\n"
                                + "header = \"x-amz-content-sha256: UNSIGNED-PAYLOAD\"\n"
                                + "fail\nsilent\nshow-error\n");
                String endpoint = s3.endpointOverride()
                        .map(URI::toString)
                        .orElse("https://s3." + s3.region().id() + ".amazonaws.com");
                String walUrl = endpoint + "/" + storage.walBucket() + "/" + source.id() + "/%f";
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
            Files.writeString(
                    data.resolve("postgresql.auto.conf"),
                    String.join("\n", conf) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.CREATE);
            write(
                    dir.resolve(SCRATCH_HBA),
                    "local all " + source.adminUser() + " scram-sha-256\n" + "host all " + source.adminUser()
                            + " 127.0.0.1/32 scram-sha-256\n");
            user.ownTree(dir);
        } catch (IOException e) {
            throw new RestoreFailure("cannot configure recovery: " + e.getMessage());
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private static void emptyDirectory(Path dir) throws RestoreFailure {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .filter(p -> !p.equals(dir))
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new RestoreFailure("cannot empty " + dir + ": " + e.getMessage());
        }
    }
}
