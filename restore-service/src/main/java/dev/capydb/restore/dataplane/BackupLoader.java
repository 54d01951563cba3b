package dev.capydb.restore.dataplane;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.TenantExtensions;
import dev.capydb.dataplane.TenantLogin;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.restore.config.RestoreConfig;
import dev.capydb.restore.repository.KnownBackups;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams a backup object from storage into {@code pg_restore}, no temp file. The dump is a tenant's content (its
 * CHECK constraints, index expressions and materialized views run the tenant's functions while it loads), so
 * {@code pg_restore} logs in as a {@link TenantLogin} acting as the target's own role, never as a superuser: every
 * restored object ends up owned by that role ({@code --no-owner --no-acl}), and whatever runs can do no more than it.
 */
@ApplicationScoped
public class BackupLoader {

    private final ToolRunner tools;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final RestoreConfig config;
    private final KnownBackups known;

    public BackupLoader(
            ToolRunner tools, ObjectStore store, StorageConfig storage, RestoreConfig config, KnownBackups known) {
        this.tools = tools;
        this.store = store;
        this.storage = storage;
        this.config = config;
        this.known = known;
    }

    /**
     * Loads the project's backup into {@code database} as {@code owner}; {@code bytes} counts what was streamed so
     * far. The object's SHA-256 is computed on the way and must equal the one recorded when the backup was taken:
     * a stored object that was changed or damaged is refused even when {@code pg_restore} happened to accept it,
     * before anything is swapped.
     */
    public ToolResult load(
            DatabaseHost host,
            UUID projectId,
            String projectDatabase,
            String backupKey,
            String database,
            String owner,
            AtomicLong bytes)
            throws RestoreFailure {
        Optional<String> expected = known.find(projectId, backupKey)
                .map(KnownBackups.KnownBackup::sha256)
                .filter(s -> !s.isBlank());
        MessageDigest sha256 = sha256();
        ToolResult result = loadDump(
                host,
                database,
                owner,
                extensionsOf(host, projectDatabase),
                () -> new DigestInputStream(store.open(storage.backupsBucket(), backupKey), sha256),
                bytes);
        if (result.succeeded() && expected.isPresent()) {
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (!actual.equalsIgnoreCase(expected.get())) {
                throw new RestoreFailure("the backup object's SHA-256 (" + actual + ") is not the one recorded when it"
                        + " was taken (" + expected.get() + "): the stored object was changed or damaged, so it was"
                        + " not used");
            }
        }
        return result;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Loads the project's database as it was in a recovered PITR cluster: its {@code pg_dump} streams straight into
     * {@code pg_restore} on the target host.
     */
    public ToolResult loadFromCluster(
            DatabaseHost cluster,
            String projectDatabase,
            DatabaseHost host,
            String database,
            String owner,
            AtomicLong bytes) {
        List<String> extensions = extensionsOf(cluster, projectDatabase);
        AtomicReference<ToolResult> restored = new AtomicReference<>();
        ToolResult dump = tools.run(ToolInvocation.of("pg_dump")
                // Uncompressed: the archive only crosses a pipe to pg_restore, so gzip would be CPU spent twice for
                // nothing.
                .args("--format=custom", "--compress=0", "--no-owner", "--no-acl", "--dbname=" + projectDatabase)
                .env(cluster.adminToolEnv())
                .stdout(out -> {
                    ToolResult r = loadDump(host, database, owner, extensions, () -> out, bytes);
                    restored.set(r);
                    if (!r.succeeded()) {
                        throw new IOException(r.describeFailure("pg_restore"));
                    }
                })
                .timeout(config.restoreTimeout())
                .build());
        if (restored.get() != null && !restored.get().succeeded()) {
            return restored.get();
        }
        return dump.succeeded() ? restored.get() : dump;
    }

    /** Where a custom-format dump comes from. */
    @FunctionalInterface
    private interface DumpStream {
        InputStream open() throws IOException;
    }

    /**
     * The extensions of the source that the target's role may not create itself ({@code postgis}…): an admin made them
     * in the source, so the admin makes them in the target before the load. Unknown when the source database is gone
     * (a backup of a deleted project's database): then there are none, and a dump that needs one fails to load.
     */
    private static List<String> extensionsOf(DatabaseHost host, String database) {
        try {
            return TenantExtensions.untrustedIn(host, database);
        } catch (SQLException e) {
            return List.of();
        }
    }

    private ToolResult loadDump(
            DatabaseHost host,
            String database,
            String owner,
            List<String> extensions,
            DumpStream source,
            AtomicLong bytes) {
        try (TenantLogin login = TenantLogin.create(host, database, owner)) {
            TenantExtensions.prepare(host, database, owner, extensions);
            return loadDump(host, login, database, source, bytes);
        } catch (SQLException e) {
            return new ToolResult(-1, false, "", "cannot log in to " + database + " as its owner: " + e.getMessage());
        }
    }

    private ToolResult loadDump(
            DatabaseHost host, TenantLogin login, String database, DumpStream source, AtomicLong bytes) {
        ToolResult result = tools.run(ToolInvocation.of("pg_restore")
                .args("--no-owner", "--no-acl", "--exit-on-error", "--dbname=" + database)
                .env(login.toolEnv())
                .env(Map.of("PGOPTIONS", config.pgRestoreOptions()))
                .stdin(in -> {
                    try (InputStream dump = source.open()) {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = dump.read(buf)) > 0; ) {
                            in.write(buf, 0, n);
                            bytes.addAndGet(n);
                        }
                    }
                })
                .timeout(config.restoreTimeout())
                .build());
        return result.succeeded() ? flushed(host, result) : result;
    }

    /**
     * pg_restore committed without waiting for each flush (synchronous_commit=off): one synchronous commit now
     * flushes the WAL up to here, so the restored data is durable before anyone uses it.
     */
    private static ToolResult flushed(DatabaseHost host, ToolResult result) {
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement()) {
            st.execute("SET synchronous_commit = on");
            st.execute("SELECT txid_current()");
            return result;
        } catch (SQLException e) {
            return new ToolResult(
                    result.exitCode(),
                    false,
                    result.stderr(),
                    "the host did not confirm the restored data is on disk: " + e.getMessage());
        }
    }
}
