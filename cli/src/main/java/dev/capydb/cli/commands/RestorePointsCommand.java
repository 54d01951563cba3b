package dev.capydb.cli.commands;

import dev.capydb.cli.api.Json;
import dev.capydb.cli.output.Table.Column;
import dev.capydb.sdk.model.CreateRestorePoint;
import dev.capydb.sdk.model.CreateRestorePoint.KindEnum;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capydb restore-points …}: named rollback targets (a backup key, or a time for PITR). */
@Command(
        name = "restore-points",
        mixinStandardHelpOptions = true,
        description = "Named restore targets.",
        subcommands = {
            RestorePointsCommand.Create.class,
            RestorePointsCommand.ListCmd.class,
            RestorePointsCommand.Get.class,
            RestorePointsCommand.Delete.class
        })
public final class RestorePointsCommand {

    static final List<Column> COLUMNS = List.of(
            Column.of("id", "id"),
            Column.of("label", "label"),
            Column.of("kind", "kind"),
            new Column(
                    "target",
                    rp -> "backup".equals(Json.text(rp, "kind"))
                            ? Json.text(rp, "backup_key")
                            : Json.text(rp, "timestamp")),
            Column.of("created", "created_at"));

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Pin a restore point.")
    static final class Create extends ApiCommand {
        @Option(names = "--label", required = true, description = "Unique per project.")
        String label;

        @Option(
                names = "--kind",
                required = true,
                paramLabel = "pitr|backup",
                description = "pitr (a time, default now) or backup (a backup key).")
        String kind;

        @Option(names = "--backup-key", paramLabel = "KEY", description = "For --kind backup.")
        String backupKey;

        @Option(names = "--timestamp", paramLabel = "RFC3339", description = "For --kind pitr (default: now).")
        OffsetDateTime timestamp;

        @Override
        protected int run() {
            KindEnum pointKind = choice("--kind", kind, KindEnum::fromValue, KindEnum.values());
            if (pointKind == KindEnum.BACKUP && backupKey == null) {
                throw usage("--kind backup needs --backup-key");
            }
            if (pointKind == KindEnum.PITR && backupKey != null) {
                throw usage("--backup-key is for --kind backup");
            }
            if (pointKind == KindEnum.BACKUP && timestamp != null) {
                throw usage("--timestamp is for --kind pitr");
            }
            UUID p = projectId();
            CreateRestorePoint point = new CreateRestorePoint()
                    .label(label)
                    .kind(pointKind)
                    .backupKey(backupKey)
                    .timestamp(timestamp);
            show(api().call(() -> api().restores().createRestorePoint(p, point)));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List restore points, newest first.")
    static final class ListCmd extends ApiCommand {
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            UUID p = projectId();
            list((cursor, limit) -> api().restores().listRestorePoints(p, cursor, limit), paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a restore point.")
    static final class Get extends ApiCommand {
        @Parameters(index = "0", paramLabel = "RESTORE_POINT_ID")
        UUID pointId;

        @Override
        protected int run() {
            UUID p = projectId();
            show(api().call(() -> api().restores().getRestorePoint(p, pointId)));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a restore point.")
    static final class Delete extends ApiCommand {
        @Parameters(index = "0", paramLabel = "RESTORE_POINT_ID")
        UUID pointId;

        @Override
        protected int run() {
            UUID p = projectId();
            api().run(() -> api().restores().deleteRestorePoint(p, pointId));
            err().println("Deleted restore point " + pointId + ".");
            return 0;
        }
    }
}
