package dev.capydb.cli.commands;

import dev.capydb.cli.output.Table.Column;
import dev.capydb.sdk.model.ExtendPreview;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capydb previews …}: databases made by restores, each with its own connection string and TTL. */
@Command(
        name = "previews",
        mixinStandardHelpOptions = true,
        description = "Preview databases.",
        subcommands = {
            PreviewsCommand.ListCmd.class,
            PreviewsCommand.Get.class,
            PreviewsCommand.Connection.class,
            PreviewsCommand.Extend.class,
            PreviewsCommand.Delete.class
        })
public final class PreviewsCommand {

    static final List<Column> COLUMNS = List.of(
            Column.of("id", "id"),
            Column.of("name", "name"),
            Column.of("status", "status"),
            Column.of("expires", "expires_at"),
            Column.of("created", "created_at"));

    /** Commands about one preview. */
    abstract static class OnePreview extends ApiCommand {
        @Parameters(index = "0", paramLabel = "PREVIEW_ID")
        UUID previewId;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List previews, newest first.")
    static final class ListCmd extends ApiCommand {
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            UUID p = projectId();
            list((cursor, limit) -> api().restores().listPreviews(p, cursor, limit), paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a preview (password masked).")
    static final class Get extends OnePreview {
        @Override
        protected int run() {
            UUID p = projectId();
            show(api().call(() -> api().restores().getPreview(p, previewId)));
            return 0;
        }
    }

    @Command(name = "connection", mixinStandardHelpOptions = true, description = "Show the full connection strings.")
    static final class Connection extends OnePreview {
        @Override
        protected int run() {
            UUID p = projectId();
            show(api().call(() -> api().restores().getPreviewConnection(p, previewId)));
            return 0;
        }
    }

    @Command(name = "extend", mixinStandardHelpOptions = true, description = "Set the TTL, counted from now.")
    static final class Extend extends OnePreview {
        @Option(names = "--ttl-hours", required = true, paramLabel = "H", description = "Hours from now (max 720).")
        int ttlHours;

        @Override
        protected int run() {
            UUID p = projectId();
            ExtendPreview ttl = new ExtendPreview().ttlHours(ttlHours);
            show(api().call(() -> api().restores().extendPreview(p, previewId, ttl)));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Drop a preview now.")
    static final class Delete extends OnePreview {
        @Override
        protected int run() {
            UUID p = projectId();
            api().run(() -> api().restores().deletePreview(p, previewId));
            err().println("Deleted preview " + previewId + ".");
            return 0;
        }
    }
}
