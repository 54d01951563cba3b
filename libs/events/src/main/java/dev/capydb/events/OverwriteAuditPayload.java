package dev.capydb.events;

import java.util.UUID;

/** Audit: production was overwritten by a restore; for cutovers it names the preview and the pre-cutover backup. */
public record OverwriteAuditPayload(
        UUID restoreId,
        UUID projectId,
        String sourceKind,
        UUID previewId,
        UUID preCutoverBackupId,
        String cutoverRequestId)
        implements EventPayload {}
