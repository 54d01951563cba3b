package dev.capydb.cli.commands;

import dev.capydb.cli.output.Table.Column;
import java.util.LinkedHashMap;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capydb previews …}: databases made by restores, each with its own connection string and TTL. */
@Command(name = "previews", mixinStandardHelpOptions = true, description = "Preview databases.",
        subcommands = {PreviewsCommand.ListCmd.class, PreviewsCommand.Get.class, PreviewsCommand.Connection.class,
            PreviewsCommand.Extend.class, PreviewsCommand.Delete.class})
public final class PreviewsCommand {

    static final List<Column> COLUMNS = List.of(Column.of("id", "id"), Column.of("name", "name"),
            Column.of("status", "status"), Column.of("expires", "expires_at"), Column.of("created", "created_at"));

    /** Commands about one preview. */
    abstract static class OnePreview extends ApiCommand {
        @Parameters(index = "0", paramLabel = "PREVIEW_ID")
        String previewId;

        String path() {
            return projectPath("/previews/" + id(previewId));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List previews, newest first.")
    static final class ListCmd extends ApiCommand {
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            list(projectPath("/previews"), new LinkedHashMap<>(), paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a preview (password masked).")
    static final class Get extends OnePreview {
        @Override
        protected int run() {
            show(api().get(path()));
            return 0;
        }
    }

    @Command(name = "connection", mixinStandardHelpOptions = true, description = "Show the full connection strings.")
    static final class Connection extends OnePreview {
        @Override
        protected int run() {
            show(api().get(path() + "/connection"));
            return 0;
        }
    }

    @Command(name = "extend", mixinStandardHelpOptions = true, description = "Set the TTL, counted from now.")
    static final class Extend extends OnePreview {
        @Option(names = "--ttl-hours", required = true, paramLabel = "H", description = "Hours from now (max 720).")
        int ttlHours;

        @Override
        protected int run() {
            show(api().patch(path(), body("ttl_hours", ttlHours)));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Drop a preview now.")
    static final class Delete extends OnePreview {
        @Override
        protected int run() {
            api().delete(path());
            err().println("Deleted preview " + previewId + ".");
            return 0;
        }
    }
}
