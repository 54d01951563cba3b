package dev.capydb.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.cli.api.Json;
import dev.capydb.cli.api.Upload;
import dev.capydb.cli.output.Ansi;
import dev.capydb.cli.output.Format;
import dev.capydb.cli.output.Progress;
import dev.capydb.cli.output.Table;
import dev.capydb.cli.output.Table.Column;
import dev.capydb.sdk.model.CreateImport;
import dev.capydb.sdk.model.CreateUpload;
import dev.capydb.sdk.model.ImportBody;
import dev.capydb.sdk.model.PreflightRequest;
import dev.capydb.sdk.model.UploadBody;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capydb import}: load a database from a live source URL or an uploaded dump file; {@code import
 * preflight|list|get} around it.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Import a database from a source URL or a dump file.",
            "--source-url: a publicly reachable postgres:// URL. --file: a pg_dump -Fc",
            "(or plain SQL) file, uploaded with a progress bar. --recreate replaces the",
            "database instead of loading into it."
        },
        subcommands = {ImportCommand.Preflight.class, ImportCommand.ListCmd.class, ImportCommand.Get.class})
public final class ImportCommand extends ApiCommand {

    static final List<Column> COLUMNS = List.of(
            Column.of("id", "id"),
            Column.of("source_kind", "source_kind"),
            new Column(
                    "source", i -> Json.text(i, "source") != null ? Json.text(i, "source") : Json.text(i, "upload_id")),
            Column.of("recreate", "recreate"),
            Column.of("status", "status"),
            Column.of("phase", "phase"),
            new Column("size", i -> Format.bytes(i.get("size_bytes"))),
            Column.of("created", "created_at"));

    @Option(names = "--source-url", paramLabel = "URL", description = "postgres:// URL of a publicly reachable source.")
    String sourceUrl;

    @Option(names = "--file", paramLabel = "FILE", description = "A dump file (pg_dump -Fc, or plain SQL).")
    Path file;

    @Option(names = "--recreate", description = "Replace the database (swap; nothing lost on failure).")
    boolean recreate;

    @Option(names = "--wait", description = "Wait until it completes (progress on stderr).")
    boolean await;

    @Override
    protected int run() throws InterruptedException {
        if ((sourceUrl == null) == (file == null)) {
            throw usage("give exactly one of --source-url and --file (or a subcommand: preflight, list, get)");
        }
        if (file != null && !Files.isRegularFile(file)) {
            throw usage("no such file: " + file);
        }
        UUID p = projectId();
        UUID uploadId = file == null ? null : upload(p, file);
        CreateImport create =
                new CreateImport().sourceUrl(sourceUrl).uploadId(uploadId).recreate(recreate);
        String key = idempotencyKey();
        ImportBody job = api().call(() -> api().imports().createImport(p, create, key));
        show(awaitIf(await, "import", id -> () -> api().imports().getImport(p, id), "capydb import get", job));
        return 0;
    }

    /** Asks for a presigned URL and streams the file straight to object storage, the bar on stderr. */
    private UUID upload(UUID p, Path f) {
        long size;
        try {
            size = Files.size(f);
        } catch (IOException e) {
            throw usage("cannot read " + f + ": " + e.getMessage());
        }
        CreateUpload want =
                new CreateUpload().filename(f.getFileName().toString()).sizeBytes(size);
        UploadBody slot = api().call(() -> api().imports().createImportUpload(p, want));
        Progress progress = new Progress(err(), ctx().stderrTty(), System::nanoTime);
        AtomicLong lastDraw = new AtomicLong(-1);
        err().println("Uploading " + f.getFileName() + " (" + Format.bytes(size) + ")");
        Upload.put(http(), slot.getUploadUrl(), f, sent -> {
            // A terminal redraws at most ten times a second; a log gets a line per 10 %.
            long mark = progress.tty() ? progress.elapsedMillis() / 100 : Progress.percent(sent, size) / 10;
            if (lastDraw.getAndSet(mark) != mark || sent == size) {
                progress.update(Progress.bar(sent, size, progress.elapsedMillis()));
            }
        });
        if (size == 0) {
            progress.update(Progress.bar(0, 0, progress.elapsedMillis()));
        }
        progress.finish();
        return slot.getUploadId();
    }

    /** {@code capydb import preflight}: the three checks, graded, without changing anything. */
    @Command(
            name = "preflight",
            mixinStandardHelpOptions = true,
            description = {
                "Grade a source before importing it: size vs plan, version, extensions.",
                "Exit code 1 when a check fails."
            })
    static final class Preflight extends ApiCommand {
        @Option(names = "--source-url", required = true, paramLabel = "URL", description = "postgres:// URL.")
        String sourceUrl;

        @Override
        protected int run() {
            UUID p = projectId();
            PreflightRequest check = new PreflightRequest().sourceUrl(sourceUrl);
            JsonNode report = api().tree(api().call(() -> api().imports().preflightImport(p, check)));
            String status = Json.text(report, "status");
            if (json()) {
                out().println(Json.write(report));
            } else {
                out().print(Table.render(
                        List.of(
                                Column.of("check", "name"),
                                Column.of("status", "status"),
                                Column.of("detail", "detail")),
                        report.path("checks"),
                        colour()));
                out().println();
                out().println("Result: " + (colour() ? Ansi.status(status) : status)
                        + (Json.text(report, "source") == null ? "" : "  (" + Json.text(report, "source") + ")"));
            }
            out().flush();
            return "fail".equals(status) ? 1 : 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List imports, newest first.")
    static final class ListCmd extends ApiCommand {
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            UUID p = projectId();
            list((cursor, limit) -> api().imports().listImports(p, cursor, limit), paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show an import.")
    static final class Get extends ApiCommand {
        @Parameters(index = "0", paramLabel = "IMPORT_ID")
        UUID importId;

        @Option(names = "--wait", description = "Wait until it completes.")
        boolean await;

        @Override
        protected int run() throws InterruptedException {
            UUID p = projectId();
            ImportBody i = api().call(() -> api().imports().getImport(p, importId));
            show(awaitIf(await, "import", id -> () -> api().imports().getImport(p, id), "capydb import get", i));
            return 0;
        }
    }
}
