package dev.capydb.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.cli.api.ApiException;
import dev.capydb.cli.api.Json;
import dev.capydb.cli.output.Table.Column;
import java.util.LinkedHashMap;
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
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a backup, a time or a restore point into a preview or the project.",
            "Targets: a new preview (default); an existing preview (--target-kind",
            "preview --preview-id); production (--target-kind project",
            "--confirm-project-overwrite; org admins only)."},
        subcommands = {RestoreCommand.ListCmd.class, RestoreCommand.Get.class})
public final class RestoreCommand extends ApiCommand {

    static final List<Column> COLUMNS = List.of(Column.of("id", "id"), Column.of("source", "source_kind"),
            new Column("from", r -> {
                String k = Json.text(r, "backup_key");
                return k != null ? k : Json.text(r, "restore_time") != null ? Json.text(r, "restore_time")
                        : Json.text(r, "restore_point_id");
            }),
            Column.of("target", "target_kind"), Column.of("preview_id", "preview_id"), Column.of("status", "status"),
            Column.of("created", "created_at"));

    /** The wire values of {@code target_kind}. */
    enum Target { new_preview, preview, project }

    @Option(names = "--backup-key", paramLabel = "KEY", description = "Source: a backup's key.")
    String backupKey;
    @Option(names = "--restore-time", paramLabel = "RFC3339", description = "Source: a point in time (PITR).")
    String restoreTime;
    @Option(names = "--restore-point", paramLabel = "ID|LABEL", description = "Source: a restore point.")
    String restorePoint;
    @Option(names = "--target-kind", paramLabel = "KIND", description = "new_preview (default), preview or project.")
    Target target;
    @Option(names = "--preview-id", paramLabel = "ID", description = "The preview to overwrite (--target-kind preview).")
    String previewId;
    @Option(names = "--preview-name", paramLabel = "NAME", description = "Name of the new preview.")
    String previewName;
    @Option(names = "--ttl-hours", paramLabel = "H", description = "Lifetime of the new preview (default 24, max 720).")
    Integer ttlHours;
    @Option(names = "--confirm-project-overwrite",
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
        Target t = target == null ? Target.new_preview : target;
        if (t == Target.preview && previewId == null) {
            throw usage("--target-kind preview needs --preview-id");
        }
        if (t != Target.new_preview && (previewName != null || ttlHours != null)) {
            throw usage("--preview-name and --ttl-hours are for --target-kind new_preview");
        }
        if (t != Target.preview && previewId != null) {
            throw usage("--preview-id is for --target-kind preview");
        }
        if (confirm && t != Target.project) {
            throw usage("--confirm-project-overwrite is for --target-kind project");
        }
        JsonNode r = api().postJob(projectPath("/restores"), body(
                "backup_key", backupKey, "restore_time", restoreTime,
                "restore_point_id", restorePoint == null ? null : restorePointId(restorePoint),
                "target_kind", target == null ? null : target.name(), "preview_id", previewId,
                "preview_name", previewName, "ttl_hours", ttlHours,
                "confirm_project_overwrite", confirm ? true : null), UUID.randomUUID().toString());
        r = awaitIf(await, "restore", projectPath("/restores"), "capydb restore get", r);
        show(r);
        String preview = Json.text(r, "preview_id");
        if (!json() && await && preview != null) {
            err().println("Connect to the preview:  capydb previews connection " + preview);
        }
        return 0;
    }

    /** Restore points are named by label in conversation; the API wants the id. */
    private String restorePointId(String idOrLabel) {
        if (isUuid(idOrLabel)) {
            return idOrLabel;
        }
        for (JsonNode rp : all(projectPath("/restore-points"), new LinkedHashMap<>())) {
            if (idOrLabel.equals(Json.text(rp, "label"))) {
                return Json.text(rp, "id");
            }
        }
        throw ApiException.local("not_found", "no restore point labelled '" + idOrLabel + "'");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List restores, newest first.")
    static final class ListCmd extends ApiCommand {
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            list(projectPath("/restores"), new LinkedHashMap<>(), paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a restore.")
    static final class Get extends ApiCommand {
        @Parameters(index = "0", paramLabel = "RESTORE_ID")
        String restoreId;
        @Option(names = "--wait", description = "Wait until it completes.")
        boolean await;

        @Override
        protected int run() throws InterruptedException {
            JsonNode r = api().get(projectPath("/restores/" + id(restoreId)));
            show(awaitIf(await, "restore", projectPath("/restores"), "capydb restore get", r));
            return 0;
        }
    }
}
