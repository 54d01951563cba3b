package dev.capydb.backup.dataplane;

import dev.capydb.backup.config.BackupConfig;
import dev.capydb.chassis.observability.JobPhases;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.StoredObject;
import dev.capydb.dataplane.TenantLogin;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Dumps a project database with {@code pg_dump -Fc} straight into object storage. The dump runs on a snapshot
 * exported by a repeatable-read transaction held open meanwhile, so row counts taken in that transaction describe
 * exactly what the dump contains. The counts read the tenant's tables, so they run as the project's role through a
 * {@link TenantLogin}; {@code pg_dump} itself runs as admin (it pins an empty {@code search_path}, qualifies every
 * name, reads tables with {@code COPY} and refuses to read views or foreign tables, so it runs no tenant code, and
 * only a superuser dumps tables with forced row-level security whole).
 */
@ApplicationScoped
public class ProjectDumper {

    private final ToolRunner tools;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final BackupConfig config;

    public ProjectDumper(ToolRunner tools, ObjectStore store, StorageConfig storage, BackupConfig config) {
        this.tools = tools;
        this.store = store;
        this.storage = storage;
        this.config = config;
    }

    public DumpResult dump(DatabaseHost host, String database, String owner, String key, boolean countRows)
            throws BackupFailure {
        return dump(host, database, owner, key, countRows, JobPhases.start("backup"));
    }

    /**
     * As {@link #dump(DatabaseHost, String, String, String, boolean)}, marking its phases (snapshot, dump and upload). Row
     * counts come from a snapshot exported for the purpose and handed to {@code pg_dump}, so both see the same
     * data; without counts {@code pg_dump} takes its own snapshot and that extra connection is skipped.
     */
    public DumpResult dump(
            DatabaseHost host, String database, String owner, String key, boolean countRows, JobPhases phases)
            throws BackupFailure {
        if (!countRows) {
            return new DumpResult(runDump(host, database, key, List.of(), phases), Map.of());
        }
        try (TenantLogin login = TenantLogin.create(host, database, owner);
                Connection snapshot = login.connect()) {
            snapshot.setAutoCommit(false);
            String snapshotId;
            try (Statement st = snapshot.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                    rs.next();
                    snapshotId = rs.getString(1);
                }
            }
            phases.mark("snapshot");
            Map<String, Long> counts = TableCounts.of(snapshot);
            StoredObject stored = runDump(host, database, key, List.of("--snapshot=" + snapshotId), phases);
            snapshot.rollback();
            return new DumpResult(stored, counts);
        } catch (SQLException e) {
            deleteQuietly(key);
            throw new BackupFailure("cannot read the project database: " + e.getMessage(), e);
        }
    }

    private StoredObject runDump(
            DatabaseHost host, String database, String key, List<String> extraArgs, JobPhases phases)
            throws BackupFailure {
        List<String> args = new ArrayList<>(
                List.of("--format=custom", "--compress=" + config.compressionLevel(), "--no-owner", "--no-acl"));
        args.addAll(extraArgs);
        args.add("--dbname=" + database);
        AtomicReference<StoredObject> uploaded = new AtomicReference<>();
        ToolResult result = tools.run(ToolInvocation.of("pg_dump")
                .args(args.toArray(String[]::new))
                .env(host.adminToolEnv())
                .stdout(out -> uploaded.set(store.upload(storage.backupsBucket(), key, out)))
                .timeout(config.dumpTimeout())
                .build());
        phases.mark("dump_and_upload");
        if (!result.succeeded()) {
            // pg_dump may have died after writing part of the stream, which was then stored: remove it.
            deleteQuietly(key);
            throw new BackupFailure(result.describeFailure("pg_dump"));
        }
        return uploaded.get();
    }

    private void deleteQuietly(String key) {
        try {
            store.delete(storage.backupsBucket(), key);
        } catch (RuntimeException ignored) {
            // Storage is down too; the key is recorded nowhere, so nothing will point at a partial object.
        }
    }

    /** Verifies the stored object streams back with the checksum recorded at upload. */
    public boolean checksumMatches(String key, String sha256) throws IOException {
        return store.sha256Of(storage.backupsBucket(), key).equals(sha256);
    }
}
