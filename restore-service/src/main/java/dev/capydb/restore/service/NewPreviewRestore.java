package dev.capydb.restore.service;

import dev.capydb.chassis.observability.JobPhases;
import dev.capydb.chassis.readmodel.ProjectLookup;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.events.EventType;
import dev.capydb.restore.dataplane.RestoreFailure;
import dev.capydb.restore.messaging.RestoreEvents;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.PreviewStatus;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestorePhase;
import dev.capydb.restore.repository.RestoreStatus;
import dev.capydb.restore.repository.TargetKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Restores into a new preview, touching nothing that existed: the preview's database is created, loaded as the
 * preview's own role and marked ready; any failure drops it again.
 */
@ApplicationScoped
public class NewPreviewRestore {

    private static final Logger LOG = Logger.getLogger(NewPreviewRestore.class);

    private final RestoreService restores;
    private final PreviewService previews;
    private final RestoreSources sources;
    private final RestoreProgress progress;
    private final RestoreEvents events;
    private final HostRegistry hosts;
    private final ProjectLookup projects;

    public NewPreviewRestore(
            RestoreService restores,
            PreviewService previews,
            RestoreSources sources,
            RestoreProgress progress,
            RestoreEvents events,
            HostRegistry hosts,
            ProjectLookup projects) {
        this.restores = restores;
        this.previews = previews;
        this.sources = sources;
        this.progress = progress;
        this.events = events;
        this.hosts = hosts;
        this.projects = projects;
    }

    void run(UUID id, Restore x) {
        JobPhases phases = JobPhases.start("restore");
        Preview preview = QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId));
        DatabaseHost host = hosts.host(preview.hostId);
        progress.phase(id, RestorePhase.CREATING_PREVIEW);
        try {
            previews.provision(preview);
        } catch (SQLException e) {
            failAndDropPreview(id, "cannot create the preview database: " + e.getMessage());
            return;
        }
        phases.mark("create_preview");
        progress.phase(id, RestorePhase.LOADING);
        AtomicLong bytes = new AtomicLong();
        ToolResult result;
        try {
            result = sources.load(
                    x, projects.find(x.projectId).orElseThrow(), host, preview.databaseName, preview.roleName, bytes);
        } catch (RestoreFailure e) {
            failAndDropPreview(id, e.getMessage());
            return;
        }
        if (!result.succeeded()) {
            failAndDropPreview(id, result.describeFailure("pg_restore"));
            return;
        }
        phases.mark("load");
        QuarkusTransaction.requiringNew().run(() -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            Preview p = Preview.findById(preview.id);
            p.status = p.status.moveTo(PreviewStatus.READY);
            // The TTL runs from the moment the preview can be used.
            p.expiresAt = now.plus(Duration.ofHours(x.ttlHours));
            p.updatedAt = now;
            Restore row = Restore.findById(id);
            row.status = row.status.moveTo(RestoreStatus.COMPLETED);
            row.phase = RestorePhase.DONE;
            row.bytesDone = bytes.get();
            row.completedAt = now;
            row.leaseUntil = null;
            events.finished(row);
            events.preview(EventType.PREVIEW_READY, p);
        });
        phases.mark("complete");
        LOG.infof(
                "restore %s into the new preview %s completed, %d bytes: %s",
                id, preview.databaseName, bytes.get(), phases);
    }

    /** Fails the restore; a new preview still being created is dropped with it (any other target is untouched). */
    void failAndDropPreview(UUID id, String error) {
        Restore x = QuarkusTransaction.requiringNew().call(() -> Restore.<Restore>findById(id));
        if (x.targetKind == TargetKind.NEW_PREVIEW && x.previewId != null) {
            Preview p = QuarkusTransaction.requiringNew().call(() -> Preview.<Preview>findById(x.previewId));
            if (p.status == PreviewStatus.CREATING) {
                try {
                    previews.drop(p, PreviewStatus.FAILED, null);
                } catch (RuntimeException e) {
                    LOG.warnf("could not drop the failed preview %s: %s", p.id, e.getMessage());
                }
            }
        }
        restores.fail(id, error);
    }
}
