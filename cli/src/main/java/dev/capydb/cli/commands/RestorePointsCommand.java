package dev.capydb.cli.commands;

import dev.capydb.cli.api.Json;
import dev.capydb.cli.output.Table.Column;
import java.util.LinkedHashMap;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capydb restore-points …}: named rollback targets (a backup key, or a time for PITR). */
@Command(name = "restore-points", mixinStandardHelpOptions = true, description = "Named restore targets.",
        subcommands = {RestorePointsCommand.Create.class, RestorePointsCommand.ListCmd.class,
            RestorePointsCommand.Get.class, RestorePointsCommand.Delete.class})
public final class RestorePointsCommand {

    static final List<Column> COLUMNS = List.of(Column.of("id", "id"), Column.of("label", "label"),
            Column.of("kind", "kind"), new Column("target", rp -> "backup".equals(Json.text(rp, "kind"))
                    ? Json.text(rp, "backup_key") : Json.text(rp, "timestamp")),
            Column.of("created", "created_at"));

    /** The wire values of {@code kind}. */
    enum Kind { pitr, backup }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Pin a restore point.")
    static final class Create extends ApiCommand {
        @Option(names = "--label", required = true, description = "Unique per project.")
        String label;
        @Option(names = "--kind", required = true, paramLabel = "pitr|backup", description = "pitr (a time, default now) or backup (a backup key).")
        Kind kind;
        @Option(names = "--backup-key", paramLabel = "KEY", description = "For --kind backup.")
        String backupKey;
        @Option(names = "--timestamp", paramLabel = "RFC3339", description = "For --kind pitr (default: now).")
        String timestamp;

        @Override
        protected int run() {
            if (kind == Kind.backup && backupKey == null) {
                throw usage("--kind backup needs --backup-key");
            }
            if (kind == Kind.pitr && backupKey != null) {
                throw usage("--backup-key is for --kind backup");
            }
            if (kind == Kind.backup && timestamp != null) {
                throw usage("--timestamp is for --kind pitr");
            }
            show(api().post(projectPath("/restore-points"),
                    body("label", label, "kind", kind.name(), "backup_key", backupKey, "timestamp", timestamp)));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List restore points, newest first.")
    static final class ListCmd extends ApiCommand {
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            list(projectPath("/restore-points"), new LinkedHashMap<>(), paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a restore point.")
    static final class Get extends ApiCommand {
        @Parameters(index = "0", paramLabel = "RESTORE_POINT_ID")
        String pointId;

        @Override
        protected int run() {
            show(api().get(projectPath("/restore-points/" + id(pointId))));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a restore point.")
    static final class Delete extends ApiCommand {
        @Parameters(index = "0", paramLabel = "RESTORE_POINT_ID")
        String pointId;

        @Override
        protected int run() {
            api().delete(projectPath("/restore-points/" + id(pointId)));
            err().println("Deleted restore point " + pointId + ".");
            return 0;
        }
    }
}
