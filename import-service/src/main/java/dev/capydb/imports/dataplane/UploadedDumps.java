package dev.capydb.imports.dataplane;

import dev.capydb.dataplane.BoundedText;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.imports.config.ImportConfig;
import io.quarkiverse.amazon.common.AmazonClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Dump files in the imports bucket: presigned PUT URLs for clients, the stored object's size and format (from its
 * magic bytes), and a custom dump's table of contents ({@code pg_restore -l}) for the extension check.
 */
@ApplicationScoped
public class UploadedDumps {

    /** The presigner's client name in quarkus.s3.* (its endpoint). */
    static final String PRESIGNER = "uploads";

    /** pg_dump's custom format starts with these bytes; anything else is taken as plain SQL. */
    private static final byte[] CUSTOM_MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
    /** A TOC line of an extension: {@code 2; 3079 16385 EXTENSION - pg_trgm}. */
    /** A table of contents lists every object of the dump, a line each: room for hundreds of thousands. */
    private static final int TOC_MAX_BYTES = 32 << 20;

    private static final Pattern TOC_EXTENSION =
            Pattern.compile("^\\d+; \\d+ \\d+ EXTENSION - (\\S+)", Pattern.MULTILINE);

    private final ObjectStore store;
    private final StorageConfig storage;
    private final ToolRunner tools;
    private final ImportConfig config;
    private final S3Presigner presigner;

    /**
     * {@code presigner} is quarkus-amazon-s3's client named {@value #PRESIGNER}: the S3 client's settings, but an
     * endpoint the uploading client can reach ({@code quarkus.s3.uploads.endpoint-override}).
     */
    public UploadedDumps(
            ObjectStore store,
            StorageConfig storage,
            ToolRunner tools,
            ImportConfig config,
            @AmazonClient(PRESIGNER) S3Presigner presigner) {
        this.store = store;
        this.storage = storage;
        this.tools = tools;
        this.config = config;
        this.presigner = presigner;
    }

    /** A URL the client PUTs the file to (e.g. {@code curl -T app.dump URL}), valid for the configured time. */
    /**
     * A PUT URL for exactly {@code sizeBytes}: the length is one of the signed headers, so storage refuses a body of
     * any other size (a 1 KB slot cannot take gigabytes).
     */
    public String presignPut(String key, long sizeBytes) {
        return presigner
                .presignPutObject(b -> b.signatureDuration(config.uploadUrlValidity())
                        .putObjectRequest(
                                p -> p.bucket(storage.importsBucket()).key(key).contentLength(sizeBytes)))
                .url()
                .toString();
    }

    public Optional<Long> size(String key) {
        return store.size(storage.importsBucket(), key);
    }

    /** Whether the object is a custom-format archive ({@code PGDMP}); otherwise it is plain SQL. */
    public boolean isCustomFormat(String key) throws IOException {
        try (InputStream in = store.client()
                .getObject(b -> b.bucket(storage.importsBucket()).key(key).range("bytes=0-4"))) {
            byte[] head = in.readNBytes(CUSTOM_MAGIC.length);
            return Arrays.equals(head, CUSTOM_MAGIC);
        }
    }

    /** The extensions a custom archive creates, read from its table of contents. */
    public List<String> extensionsInArchive(String key) throws IOException {
        AtomicReference<String> toc = new AtomicReference<>("");
        ToolResult r = tools.run(ToolInvocation.of("pg_restore")
                .args("--list")
                .stdin(in -> {
                    // pg_restore stops reading once it has the table of contents: the runner leaves the verdict to
                    // its exit status then; a failure to read the object itself is still a failure.
                    try (InputStream a = store.open(storage.importsBucket(), key)) {
                        a.transferTo(in);
                    }
                })
                .stdout(out -> toc.set(BoundedText.read(out, TOC_MAX_BYTES)))
                .timeout(config.importTimeout())
                .build());
        if (!r.succeeded()) {
            throw new IOException(
                    "the uploaded file is not a readable pg_dump archive: " + r.describeFailure("pg_restore --list"));
        }
        List<String> names = new ArrayList<>();
        Matcher m = TOC_EXTENSION.matcher(toc.get());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    public void delete(String key) {
        store.delete(storage.importsBucket(), key);
    }
}
