package dev.capydb.cutover;

import dev.capydb.chassis.readmodel.ProjectReadModel;
import dev.capydb.cutover.messaging.SagaConsumers;
import dev.capydb.events.BackupPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.events.PreviewPayload;
import dev.capydb.events.ProjectPayload;
import dev.capydb.events.RestorePayload;
import dev.capydb.testing.Records;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Test projects and previews announced to this service's read models the way project-service and restore-service
 * announce them, saga answers as backup-service and restore-service send them, and the events this service wrote.
 */
@ApplicationScoped
public class Fixtures {

    private final ProjectReadModel projects;
    private final SagaConsumers consumers;
    private final AgroalDataSource dataSource;

    public Fixtures(ProjectReadModel projects, SagaConsumers consumers, AgroalDataSource dataSource) {
        this.projects = projects;
        this.consumers = consumers;
        this.dataSource = dataSource;
    }

    /** A project of org acme in status {@code status}. */
    public UUID project(String status) {
        UUID id = UUID.randomUUID();
        announceProject(id, status, 1);
        return id;
    }

    public void announceProject(UUID id, String status, long version) {
        Instant now = Instant.now();
        String db = "prj_" + id.toString().replace("-", "").substring(0, 12);
        EventEnvelope e = EventEnvelope.of(
                EventType.PROJECT_UPDATED,
                "project-service",
                "acme",
                id,
                null,
                new ProjectPayload(
                        id,
                        "acme",
                        "p-" + id.toString().substring(0, 8),
                        "local-1",
                        "free",
                        512L << 20,
                        "local-1",
                        db,
                        db,
                        status,
                        true,
                        version,
                        now,
                        now));
        QuarkusTransaction.requiringNew().run(() -> projects.apply(e));
    }

    /** A ready preview of {@code project} living for {@code ttl} from now. */
    public UUID preview(UUID project, Duration ttl) {
        UUID id = UUID.randomUUID();
        previewEvent(
                EventType.PREVIEW_READY, id, project, "ready", Instant.now().plus(ttl));
        return id;
    }

    public void previewEvent(EventType type, UUID preview, UUID project, String status, Instant expiresAt) {
        previewEventAt(type, preview, project, status, expiresAt, Instant.now());
    }

    /** A preview announcement stamped {@code time}, delivered now through the consumer. */
    public void previewEventAt(
            EventType type, UUID preview, UUID project, String status, Instant expiresAt, Instant time) {
        EventEnvelope e = EventEnvelope.of(
                type,
                "restore-service",
                "acme",
                project,
                null,
                new PreviewPayload(
                        preview,
                        project,
                        "pv-" + preview.toString().substring(0, 8),
                        status,
                        "local-1",
                        "pv_" + preview.toString().replace("-", ""),
                        expiresAt));
        consumers.onRestoreEvent(Records.of(EventJson.write(new EventEnvelope(
                e.id(), e.type(), e.source(), time, e.orgId(), e.projectId(), e.correlationId(), e.data()))));
    }

    /** backup-service's answer to {@code cutover.execution_started}. */
    public static String backupOutcome(UUID request, UUID project, UUID backup, boolean completed, Boolean verified) {
        Instant now = Instant.now();
        return EventJson.write(EventEnvelope.of(
                completed ? EventType.BACKUP_COMPLETED : EventType.BACKUP_FAILED,
                "backup-service",
                "acme",
                project,
                request.toString(),
                new BackupPayload(
                        backup,
                        project,
                        "pre-cutover-" + request,
                        "pre_cutover",
                        completed ? "completed" : "failed",
                        completed ? project + "/" + backup + ".dump" : null,
                        completed ? 4096L : null,
                        completed ? "0".repeat(64) : null,
                        verified,
                        completed ? null : "pg_dump exited with 1",
                        now,
                        now)));
    }

    /** restore-service's answer to {@code cutover.promote_started}. */
    public static String restoreOutcome(UUID request, UUID project, UUID preview, boolean completed) {
        Instant now = Instant.now();
        return EventJson.write(EventEnvelope.of(
                completed ? EventType.RESTORE_COMPLETED : EventType.RESTORE_FAILED,
                "restore-service",
                "acme",
                project,
                request.toString(),
                new RestorePayload(
                        UUID.randomUUID(),
                        project,
                        "preview",
                        null,
                        null,
                        null,
                        "project",
                        preview,
                        completed ? "completed" : "failed",
                        completed ? null : "pg_restore exited with 1; the target was not changed",
                        now,
                        now)));
    }

    /** The cutover events this service wrote for {@code request}, oldest first, as envelopes. */
    public List<EventEnvelope> cutoverEvents(UUID request) throws Exception {
        List<EventEnvelope> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT topic, payload FROM outbox_event WHERE payload LIKE ? ORDER BY seq")) {
            st.setString(1, "%\"correlation_id\":\"" + request + "\"%");
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (!"capydb.cutovers".equals(rs.getString(1))) {
                        throw new AssertionError("cutover event on topic " + rs.getString(1));
                    }
                    out.add(EventJson.read(rs.getString(2)));
                }
            }
        }
        return out;
    }

    public List<String> cutoverEventTypes(UUID request) throws Exception {
        return cutoverEvents(request).stream().map(EventEnvelope::type).toList();
    }
}
