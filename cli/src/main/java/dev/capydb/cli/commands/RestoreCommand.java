package dev.capydb.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.cli.api.ApiException;
import dev.capydb.cli.api.Json;
import dev.capydb.cli.output.Table.Column;
import dev.capydb.sdk.model.CreateRestore;
import dev.capydb.sdk.model.CreateRestore.TargetKindEnum;
import dev.capydb.sdk.model.RestoreBody;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capydb restore}: one source (backup key, time, restore point) into one target (a new preview, an existing
 * preview, or production behind {@code --confirm-project-overwrite}); {@code restore list|get} show past ones.
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Restore a backup, a time or a restore point into a preview or the project.",
            "Targets: a new preview (default); an existing preview (--target-kind",
            "preview --preview-id); production (--target-kind project",
            "--confirm-project-overwrite; org admins only)."
        },
        subcommands = {RestoreCommand.ListCmd.class, RestoreCommand.Get.class})
public final class RestoreCommand extends ApiCommand {

    static final List<Column> COLUMNS = List.of(
            Column.of("id", "id"),
            Column.of("source", "source_kind"),
            new Column("from", r -> {
                String k = Json.text(r, "backup_key");
                return k != null
                        ? k
                        : Json.text(r, "restore_time") != null
                                ? Json.text(r, "restore_time")
                                : Json.text(r, "restore_point_id");
            }),
            Column.of("target", "target_kind"),
            Column.of("preview_id", "preview_id"),
            Column.of("status", "status"),
            Column.of("created", "created_at"));

    @Option(names = "--backup-key", paramLabel = "KEY", description = "Source: a backup's key.")
    String backupKey;

    @Option(names = "--restore-time", paramLabel = "RFC3339", description = "Source: a point in time (PITR).")
    OffsetDateTime restoreTime;

    @Option(names = "--restore-point", paramLabel = "ID|LABEL", description = "Source: a restore point.")
    String restorePoint;

    @Option(names = "--target-kind", paramLabel = "KIND", description = "new_preview (default), preview or project.")
    String targetKind;

    @Option(
            names = "--preview-id",
            paramLabel = "ID",
            description = "The preview to overwrite (--target-kind preview).")
    UUID previewId;

    @Option(names = "--preview-name", paramLabel = "NAME", description = "Name of the new preview.")
    String previewName;

    @Option(names = "--ttl-hours", paramLabel = "H", description = "Lifetime of the new preview (default 24, max 720).")
    Integer ttlHours;

    @Option(
            names = "--confirm-project-overwrite",
            description = "Required with --target-kind project: production is overwritten (org admins only).")
    boolean confirm;

    @Option(names = "--wait", description = "Wait until it completes (progress on stderr).")
    boolean await;

    @Override
    protected int run() throws InterruptedException {
        int sources = (backupKey != null ? 1 : 0) + (restoreTime != null ? 1 : 0) + (restorePoint != null ? 1 : 0);
        if (sources != 1) {
            throw usage("give exactly one source: --backup-key, --restore-time or --restore-point");
        }
        TargetKindEnum target = choice("--target-kind", targetKind, TargetKindEnum::fromValue, TargetKindEnum.values());
        TargetKindEnum t = target == null ? TargetKindEnum.NEW_PREVIEW : target;
        if (t == TargetKindEnum.PREVIEW && previewId == null) {
            throw usage("--target-kind preview needs --preview-id");
        }
        if (t != TargetKindEnum.NEW_PREVIEW && (previewName != null || ttlHours != null)) {
            throw usage("--preview-name and --ttl-hours are for --target-kind new_preview");
        }
        if (t != TargetKindEnum.PREVIEW && previewId != null) {
            throw usage("--preview-id is for --target-kind preview");
        }
        if (confirm && t != TargetKindEnum.PROJECT) {
            throw usage("--confirm-project-overwrite is for --target-kind project");
        }
        UUID p = projectId();
        // The server's default target (new_preview) is not spelled out when the user did not choose one.
        CreateRestore restore = new CreateRestore()
                .backupKey(backupKey)
                .restoreTime(restoreTime)
                .restorePointId(restorePoint == null ? null : restorePointId(restorePoint))
                .targetKind(target)
                .previewId(previewId)
                .previewName(previewName)
                .ttlHours(ttlHours)
                .confirmProjectOverwrite(confirm ? true : null);
        String key = idempotencyKey();
        RestoreBody created = api().call(() -> api().restores().createRestore(p, restore, key));
        JsonNode r = awaitIf(
                await, "restore", id -> () -> api().restores().getRestore(p, id), "capydb restore get", created);
        show(r);
        String preview = Json.text(r, "preview_id");
        if (!json() && await && preview != null) {
            err().println("Connect to the preview:  capydb previews connection " + preview);
        }
        return 0;
    }

    /** Restore points are named by label in conversation; the API wants the id. */
    private UUID restorePointId(String idOrLabel) {
        if (Ids.isUuid(idOrLabel)) {
            return UUID.fromString(idOrLabel);
        }
        UUID p = projectId();
        return idOf((cursor, limit) -> api().restores().listRestorePoints(p, cursor, limit), "label", idOrLabel)
                .orElseThrow(() -> ApiException.local("not_found", "no restore point labelled '" + idOrLabel + "'"));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List restores, newest first.")
    static final class ListCmd extends ApiCommand {
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            UUID p = projectId();
            list((cursor, limit) -> api().restores().listRestores(p, cursor, limit), paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a restore.")
    static final class Get extends ApiCommand {
        @Parameters(index = "0", paramLabel = "RESTORE_ID")
        UUID restoreId;

        @Option(names = "--wait", description = "Wait until it completes.")
        boolean await;

        @Override
        protected int run() throws InterruptedException {
            UUID p = projectId();
            RestoreBody r = api().call(() -> api().restores().getRestore(p, restoreId));
            show(awaitIf(await, "restore", id -> () -> api().restores().getRestore(p, id), "capydb restore get", r));
            return 0;
        }
    }
}
