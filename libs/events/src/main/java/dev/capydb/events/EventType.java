package dev.capydb.events;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** The event catalog: each type's wire name, topic, payload record and JSON Schema resource. */
public enum EventType {
    PROJECT_CREATED("project.created", Topic.PROJECTS, ProjectPayload.class),
    PROJECT_UPDATED("project.updated", Topic.PROJECTS, ProjectPayload.class),
    PROJECT_DELETED("project.deleted", Topic.PROJECTS, ProjectPayload.class),
    BACKUP_COMPLETED("backup.completed", Topic.BACKUPS, BackupPayload.class),
    BACKUP_FAILED("backup.failed", Topic.BACKUPS, BackupPayload.class),
    BASE_BACKUP_COMPLETED("base_backup.completed", Topic.BACKUPS, BaseBackupPayload.class),
    BASE_BACKUP_EXPIRED("base_backup.expired", Topic.BACKUPS, BaseBackupPayload.class),
    /** Published by every service that runs jobs, on its own topic. */
    JOB_COMPLETED("job.completed", null, JobPayload.class),
    JOB_FAILED("job.failed", null, JobPayload.class),
    /** Internal: an overwrite began (project-service shows the project as restoring). */
    RESTORE_STARTED("restore.started", Topic.RESTORES, RestorePayload.class),
    RESTORE_COMPLETED("restore.completed", Topic.RESTORES, RestorePayload.class),
    RESTORE_FAILED("restore.failed", Topic.RESTORES, RestorePayload.class),
    PREVIEW_READY("preview.ready", Topic.RESTORES, PreviewPayload.class),
    PREVIEW_EXPIRING("preview.expiring", Topic.RESTORES, PreviewPayload.class),
    PREVIEW_EXPIRED("preview.expired", Topic.RESTORES, PreviewPayload.class),
    RESTORE_POINT_CREATED("restore_point.created", Topic.RESTORES, RestorePointPayload.class),
    RESTORE_POINT_DELETED("restore_point.deleted", Topic.RESTORES, RestorePointPayload.class),
    /** Internal: an import holds the project now (project-service shows the project as importing). */
    IMPORT_STARTED("import.started", Topic.IMPORTS, ImportPayload.class),
    IMPORT_COMPLETED("import.completed", Topic.IMPORTS, ImportPayload.class),
    IMPORT_FAILED("import.failed", Topic.IMPORTS, ImportPayload.class),
    CUTOVER_REQUESTED("cutover.requested", Topic.CUTOVERS, CutoverPayload.class),
    CUTOVER_ACKED("cutover.acked", Topic.CUTOVERS, CutoverPayload.class),
    CUTOVER_REJECTED("cutover.rejected", Topic.CUTOVERS, CutoverPayload.class),
    CUTOVER_CANCELLED("cutover.cancelled", Topic.CUTOVERS, CutoverPayload.class),
    /** Internal: backup-service takes the pre-cutover backup on it. */
    CUTOVER_EXECUTION_STARTED("cutover.execution_started", Topic.CUTOVERS, CutoverPayload.class),
    CUTOVER_PROMOTE_STARTED("cutover.promote_started", Topic.CUTOVERS, CutoverPayload.class),
    CUTOVER_COMPLETED("cutover.completed", Topic.CUTOVERS, CutoverPayload.class),
    CUTOVER_FAILED("cutover.failed", Topic.CUTOVERS, CutoverPayload.class),
    /** Audit: production was overwritten (for a cutover, with the pre-cutover backup's id). */
    PRODUCTION_OVERWRITE_RESTORE("production_overwrite_restore", Topic.RESTORES, OverwriteAuditPayload.class),
    /** A webhook delivery gave up after its last retry. */
    WEBHOOK_DELIVERY_EXHAUSTED("webhook.delivery_exhausted", Topic.WEBHOOKS, WebhookDeliveryPayload.class);

    /**
     * The types customers may subscribe webhooks to and see in the audit trail (docs/architecture.md, "Events"); the rest are
     * internal saga steps and bookkeeping.
     */
    public static final Set<EventType> PUBLIC = Collections.unmodifiableSet(EnumSet.of(
            BACKUP_COMPLETED,
            BACKUP_FAILED,
            RESTORE_COMPLETED,
            RESTORE_FAILED,
            IMPORT_COMPLETED,
            IMPORT_FAILED,
            JOB_COMPLETED,
            JOB_FAILED,
            PREVIEW_READY,
            PREVIEW_EXPIRING,
            PREVIEW_EXPIRED,
            CUTOVER_REQUESTED,
            CUTOVER_ACKED,
            CUTOVER_REJECTED,
            CUTOVER_CANCELLED,
            CUTOVER_EXECUTION_STARTED,
            CUTOVER_PROMOTE_STARTED,
            CUTOVER_COMPLETED,
            CUTOVER_FAILED,
            PRODUCTION_OVERWRITE_RESTORE,
            WEBHOOK_DELIVERY_EXHAUSTED));

    private final String wireName;
    private final Topic topic;
    private final Class<? extends EventPayload> payloadType;

    EventType(String wireName, Topic topic, Class<? extends EventPayload> payloadType) {
        this.wireName = wireName;
        this.topic = topic;
        this.payloadType = payloadType;
    }

    public String wireName() {
        return wireName;
    }

    /** The topic of this type, or null when each producer publishes it on its own topic (job events). */
    public Topic topic() {
        return topic;
    }

    public Class<? extends EventPayload> payloadType() {
        return payloadType;
    }

    /** Classpath location of the JSON Schema describing this type's {@code data}. */
    public String schemaResource() {
        return "/events/schemas/" + wireName + ".schema.json";
    }

    /** Whether webhooks and the audit trail expose this type. */
    public boolean isPublic() {
        return PUBLIC.contains(this);
    }

    public static Optional<EventType> fromWireName(String wireName) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(wireName)).findFirst();
    }
}
