package dev.capydb.cli.commands;

import dev.capydb.cli.output.Table.Column;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code capydb audit list}: the project's lifecycle history. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "The project's audit trail.",
        subcommands = {AuditCommand.ListCmd.class})
public final class AuditCommand {

    static final List<Column> COLUMNS = List.of(
            Column.of("time", "time"),
            Column.of("type", "type"),
            Column.of("actor", "actor"),
            Column.of("source", "source"),
            Column.of("correlation_id", "correlation_id"),
            Column.of("id", "id"));

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List audit events, newest first.")
    static final class ListCmd extends ApiCommand {
        @Option(names = "--type", description = "Event types, comma-separated; 'cutover.*' matches a family.")
        String type;

        @Option(names = "--since", paramLabel = "RFC3339", description = "Only events at or after this time.")
        String since;

        @Mixin
        Paging paging;

        @Override
        protected int run() {
            UUID p = projectId();
            list((cursor, limit) -> api().webhooks().listAuditEvents(p, cursor, limit, since, type), paging, COLUMNS);
            return 0;
        }
    }
}
