package dev.capydb.backup.dataplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capydb.backup.config.BackupConfig;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.DatabaseSwap;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.TenantExtensions;
import dev.capydb.dataplane.TenantLogin;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.dataplane.scratch.ScratchDatabases;
import dev.capydb.dataplane.scratch.ScratchNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Proves a stored backup restores: streams the object (checking its SHA-256 on the way) into {@code pg_restore}
 * in a scratch database on the project's host, compares per-table row counts with those taken at dump time, and
 * drops the scratch database whatever happens. The dump is the tenant's own content (CHECK constraints, index
 * expressions and materialized views call its functions during a restore), so the scratch database belongs to the
 * project's role, no other role may connect to it, and the restore and the counts run as that role through a
 * {@link TenantLogin}, never as a superuser.
 */
@ApplicationScoped
public class BackupVerifier {

    /** Scratch databases are named after their backup so a restarted worker can find and drop leftovers. */
    public static final ScratchNames SCRATCH = new ScratchNames("verify_");

    /** The verdict, with details users can read. */
    public record Verification(boolean verified, String details) {}

    private final ToolRunner tools;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final BackupConfig config;
    private final DatabaseSwap swap;
    private final ScratchDatabases scratchDatabases;
    private final ObjectMapper json = new ObjectMapper();

    public BackupVerifier(
            ToolRunner tools,
            ObjectStore store,
            StorageConfig storage,
            BackupConfig config,
            DatabaseSwap swap,
            ScratchDatabases scratchDatabases) {
        this.swap = swap;
        this.scratchDatabases = scratchDatabases;
        this.tools = tools;
        this.store = store;
        this.storage = storage;
        this.config = config;
    }

    /**
     * Verifies the backup of {@code database} (owned by {@code owner}) stored under {@code key}; the extensions of
     * it that only an admin may create are made in the scratch database first, as they were in the project.
     */
    public Verification verify(
            DatabaseHost host,
            String database,
            String owner,
            UUID backupId,
            String key,
            String sha256,
            Map<String, Long> expected)
            throws BackupFailure {
        String scratch = SCRATCH.name(backupId);
        TenantLogin login;
        try {
            swap.createScratch(host, scratch, owner);
            TenantExtensions.prepare(host, scratch, owner, TenantExtensions.untrustedIn(host, database));
            login = TenantLogin.create(host, scratch, owner);
        } catch (SQLException e) {
            scratchDatabases.dropQuietly(host, scratch);
            throw new BackupFailure("cannot create the verification database: " + e.getMessage(), e);
        }
        try (login) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ToolResult restore = tools.run(ToolInvocation.of("pg_restore")
                    .args("--no-owner", "--no-acl", "--exit-on-error", "--dbname=" + scratch)
                    .env(login.toolEnv())
                    .stdin(in -> {
                        try (InputStream object =
                                new DigestInputStream(store.open(storage.backupsBucket(), key), sha)) {
                            object.transferTo(in);
                        }
                    })
                    .timeout(config.verifyTimeout())
                    .build());
            String actualSha = HexFormat.of().formatHex(sha.digest());
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("checksum_matches", actualSha.equals(sha256));
            details.put("restore_succeeded", restore.succeeded());
            if (!restore.succeeded()) {
                details.put("restore_error", restore.describeFailure("pg_restore"));
            }
            List<String> differences = List.of();
            if (restore.succeeded()) {
                try (Connection c = login.connect()) {
                    differences = TableCounts.differences(expected, TableCounts.of(c));
                }
                details.put("tables_compared", expected.size());
                details.put("row_count_differences", differences);
            }
            boolean ok = actualSha.equals(sha256) && restore.succeeded() && differences.isEmpty();
            return new Verification(ok, json.writeValueAsString(details));
        } catch (SQLException e) {
            throw new BackupFailure("cannot compare the restored copy: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new BackupFailure("verification failed: " + e.getMessage(), e);
        } finally {
            scratchDatabases.dropQuietly(host, scratch);
        }
    }
}
