package dev.capydb.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.cli.output.Format;
import dev.capydb.cli.output.Table.Column;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capydb backups …}: on-demand backups (each its own job) and the daily schedule. */
@Command(name = "backups", mixinStandardHelpOptions = true, description = "Backups of the project and their schedule.",
        subcommands = {BackupsCommand.Create.class, BackupsCommand.ListCmd.class, BackupsCommand.Get.class,
            BackupsCommand.Delete.class, BackupsCommand.Schedule.class})
public final class BackupsCommand {

    static final List<Column> COLUMNS = List.of(Column.of("id", "id"), Column.of("label", "label"),
            Column.of("kind", "kind"), Column.of("status", "status"),
            new Column("size", b -> Format.bytes(b.get("size_bytes"))), Column.of("created", "created_at"),
            Column.of("backup_key", "backup_key"));

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Back up the project now.")
    static final class Create extends ApiCommand {
        @Option(names = "--label", description = "A label for the backup.")
        String label;
        @Option(names = "--verify", description = "Verify it by a test restore with row counts.")
        boolean verify;
        @Option(names = "--wait", description = "Wait until it completes (progress on stderr).")
        boolean await;

        @Override
        protected int run() throws InterruptedException {
            JsonNode b = api().postJob(projectPath("/backups"), body("label", label, "verify", verify ? true : null),
                    UUID.randomUUID().toString());
            show(awaitIf(await, "backup", projectPath("/backups"), "capydb backups get", b));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List backups, newest first.")
    static final class ListCmd extends ApiCommand {
        @Option(names = "--include-expired", description = "Also list backups removed by retention.")
        boolean expired;
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("include", expired ? "expired" : null);
            list(projectPath("/backups"), q, paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a backup.")
    static final class Get extends ApiCommand {
        @Parameters(index = "0", paramLabel = "BACKUP_ID")
        String backupId;
        @Option(names = "--wait", description = "Wait until it completes.")
        boolean await;

        @Override
        protected int run() throws InterruptedException {
            JsonNode b = api().get(projectPath("/backups/" + id(backupId)));
            show(awaitIf(await, "backup", projectPath("/backups"), "capydb backups get", b));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a backup (object and row).")
    static final class Delete extends ApiCommand {
        @Parameters(index = "0", paramLabel = "BACKUP_ID")
        String backupId;

        @Override
        protected int run() {
            api().delete(projectPath("/backups/" + id(backupId)));
            err().println("Deleted backup " + backupId + ".");
            return 0;
        }
    }

    /** {@code capydb backups schedule get|set}. */
    @Command(name = "schedule", mixinStandardHelpOptions = true, description = "The daily backup schedule (UTC).",
            subcommands = {ScheduleGet.class, ScheduleSet.class})
    static final class Schedule {
    }

    static final String SCHEDULE = "/scheduled-backups/default";

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show the schedule.")
    static final class ScheduleGet extends ApiCommand {
        @Override
        protected int run() {
            show(api().get(projectPath(SCHEDULE)));
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change the schedule; options not given keep their current value.")
    static final class ScheduleSet extends ApiCommand {
        @Option(names = "--hour", description = "0-23 (UTC).")
        Integer hour;
        @Option(names = "--minute", description = "0-59.")
        Integer minute;
        @Option(names = "--active", arity = "1", paramLabel = "true|false", description = "Run it or not.")
        Boolean active;
        @Option(names = "--retention-days", description = "1-365.")
        Integer retentionDays;

        @Override
        protected int run() {
            if (hour == null && minute == null && active == null && retentionDays == null) {
                throw usage("nothing to change: give --hour, --minute, --active or --retention-days");
            }
            JsonNode cur = api().get(projectPath(SCHEDULE));
            Map<String, Object> b = body(
                    "hour", hour != null ? hour : cur.path("hour").asInt(),
                    "minute", minute != null ? minute : cur.path("minute").asInt(),
                    "active", active != null ? active : cur.path("active").asBoolean(),
                    "retention_days", retentionDays != null ? retentionDays : cur.path("retention_days").asInt());
            show(api().put(projectPath(SCHEDULE), b));
            return 0;
        }
    }
}
