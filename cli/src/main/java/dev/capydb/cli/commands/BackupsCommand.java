package dev.capydb.cli.commands;

import dev.capydb.cli.output.Format;
import dev.capydb.cli.output.Table.Column;
import dev.capydb.sdk.model.BackupBody;
import dev.capydb.sdk.model.CreateBackup;
import dev.capydb.sdk.model.ScheduleBody;
import dev.capydb.sdk.model.ScheduleSettings;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capydb backups …}: on-demand backups (each its own job) and the daily schedule. */
@Command(
        name = "backups",
        mixinStandardHelpOptions = true,
        description = "Backups of the project and their schedule.",
        subcommands = {
            BackupsCommand.Create.class,
            BackupsCommand.ListCmd.class,
            BackupsCommand.Get.class,
            BackupsCommand.Delete.class,
            BackupsCommand.Schedule.class
        })
public final class BackupsCommand {

    static final List<Column> COLUMNS = List.of(
            Column.of("id", "id"),
            Column.of("label", "label"),
            Column.of("kind", "kind"),
            Column.of("status", "status"),
            new Column("size", b -> Format.bytes(b.get("size_bytes"))),
            Column.of("created", "created_at"),
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
            UUID p = projectId();
            CreateBackup backup = new CreateBackup().label(label).verify(verify ? true : null);
            String key = idempotencyKey();
            BackupBody b = api().call(() -> api().backups().createBackup(p, backup, key));
            show(awaitIf(await, "backup", id -> () -> api().backups().getBackup(p, id), "capydb backups get", b));
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
            UUID p = projectId();
            String include = expired ? "expired" : null;
            list((cursor, limit) -> api().backups().listBackups(p, cursor, include, limit), paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a backup.")
    static final class Get extends ApiCommand {
        @Parameters(index = "0", paramLabel = "BACKUP_ID")
        UUID backupId;

        @Option(names = "--wait", description = "Wait until it completes.")
        boolean await;

        @Override
        protected int run() throws InterruptedException {
            UUID p = projectId();
            BackupBody b = api().call(() -> api().backups().getBackup(p, backupId));
            show(awaitIf(await, "backup", id -> () -> api().backups().getBackup(p, id), "capydb backups get", b));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a backup (object and row).")
    static final class Delete extends ApiCommand {
        @Parameters(index = "0", paramLabel = "BACKUP_ID")
        UUID backupId;

        @Override
        protected int run() {
            UUID p = projectId();
            api().run(() -> api().backups().deleteBackup(p, backupId));
            err().println("Deleted backup " + backupId + ".");
            return 0;
        }
    }

    /** {@code capydb backups schedule get|set}. */
    @Command(
            name = "schedule",
            mixinStandardHelpOptions = true,
            description = "The daily backup schedule (UTC).",
            subcommands = {ScheduleGet.class, ScheduleSet.class})
    static final class Schedule {}

    /** The project's one schedule. */
    static final String SCHEDULE = "default";

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show the schedule.")
    static final class ScheduleGet extends ApiCommand {
        @Override
        protected int run() {
            UUID p = projectId();
            show(api().call(() -> api().backups().getBackupSchedule(p, SCHEDULE)));
            return 0;
        }
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
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
            UUID p = projectId();
            ScheduleBody cur = api().call(() -> api().backups().getBackupSchedule(p, SCHEDULE));
            ScheduleSettings next = new ScheduleSettings()
                    .hour(hour != null ? hour : cur.getHour())
                    .minute(minute != null ? minute : cur.getMinute())
                    .active(active != null ? active : cur.getActive())
                    .retentionDays(retentionDays != null ? retentionDays : cur.getRetentionDays());
            show(api().call(() -> api().backups().putBackupSchedule(p, SCHEDULE, next)));
            return 0;
        }
    }
}
