package dev.capydb.restore.service;

import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.restore.config.RestoreConfig;
import dev.capydb.restore.dataplane.BackupLoader;
import dev.capydb.restore.dataplane.PitrRecovery;
import dev.capydb.restore.dataplane.RestoreFailure;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestorePhase;
import dev.capydb.restore.repository.SourceKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/** Loads a restore's source into a database: a backup object, a preview's database, or a point in time. */
@ApplicationScoped
public class RestoreSources {

    private static final Logger LOG = Logger.getLogger(RestoreSources.class);

    private final BackupLoader loader;
    private final PitrWindow pitrWindow;
    private final PitrRecovery recovery;
    private final PitrSlots slots;
    private final RestoreProgress progress;
    private final RestoreConfig config;

    public RestoreSources(
            BackupLoader loader,
            PitrWindow pitrWindow,
            PitrRecovery recovery,
            PitrSlots slots,
            RestoreProgress progress,
            RestoreConfig config) {
        this.loader = loader;
        this.pitrWindow = pitrWindow;
        this.recovery = recovery;
        this.slots = slots;
        this.progress = progress;
        this.config = config;
    }

    /**
     * Loads the restore's source into {@code database} as {@code owner}: the backup object, or for a point in time
     * the project's database dumped out of a scratch cluster recovered to that time (stopped and deleted after).
     */
    public ToolResult load(
            Restore x, ProjectView project, DatabaseHost host, String database, String owner, AtomicLong bytes)
            throws RestoreFailure {
        try (RestoreProgress.Ticker ticker = progress.track(x.id, bytes)) {
            return loadSource(x, project, host, database, owner, bytes);
        }
    }

    private ToolResult loadSource(
            Restore x, ProjectView project, DatabaseHost host, String database, String owner, AtomicLong bytes)
            throws RestoreFailure {
        if (x.backupKey != null) {
            return loader.load(host, x.projectId, project.databaseName(), x.backupKey, database, owner, bytes);
        }
        if (x.sourceKind == SourceKind.PREVIEW) {
            // Cutover promotion: the preview's database, dumped straight into the scratch database.
            String previewDb =
                    QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId).databaseName);
            return loader.loadFromCluster(host, previewDb, host, database, owner, bytes);
        }
        return loadPointInTime(x, project, host, database, owner, bytes);
    }

    private ToolResult loadPointInTime(
            Restore x, ProjectView project, DatabaseHost host, String database, String owner, AtomicLong bytes)
            throws RestoreFailure {
        PitrWindow.BaseBackupRef base = pitrWindow
                .baseBackupBefore(host.id(), x.restoreTime)
                .orElseThrow(
                        () -> new RestoreFailure("no base backup of " + host.id() + " ended before " + x.restoreTime));
        PitrSteps steps = new PitrSteps();
        try (PitrSlots.Slot slot = slots.acquire(
                host.id(),
                () -> progress.phase(x.id, RestorePhase.QUEUED),
                config.pitr().recoveryTimeout())) {
            steps.ended("slot");
            progress.phase(x.id, RestorePhase.FETCHING);
            try {
                pitrWindow.archiveUpToNow(host, Duration.ofMinutes(2));
            } catch (SQLException e) {
                throw new RestoreFailure("the WAL up to the target could not be archived: " + e.getMessage());
            }
            steps.ended("archive");
            ToolResult loaded;
            try (PitrRecovery.Cluster cluster =
                    recovery.recover(host, base, x.restoreTime, project.databaseName(), () -> {
                        steps.ended("restore_files");
                        progress.phase(x.id, RestorePhase.REPLAYING_WAL);
                    })) {
                steps.ended("replay");
                progress.phase(x.id, RestorePhase.LOADING);
                loaded = loader.loadFromCluster(cluster.host(), project.databaseName(), host, database, owner, bytes);
                steps.ended("dump_load");
            }
            steps.ended("cleanup");
            return loaded;
        } finally {
            LOG.infof("restore %s to point in time %s: %s", x.id, x.restoreTime, steps);
        }
    }
}
