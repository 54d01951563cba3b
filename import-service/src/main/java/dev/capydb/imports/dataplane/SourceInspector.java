package dev.capydb.imports.dataplane;

import dev.capydb.dataplane.BoundedText;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.imports.config.ImportConfig;
import dev.capydb.imports.service.SourceGate.CheckedSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a source's version, size and extensions with {@code psql} in a read-only session with a statement timeout
 * (libpq, so the checked {@code hostaddr} is what it connects to); it changes nothing on the source.
 */
@ApplicationScoped
public class SourceInspector {

    private final ToolRunner tools;
    private final ImportConfig config;

    public SourceInspector(ToolRunner tools, ImportConfig config) {
        this.tools = tools;
        this.config = config;
    }

    public SourceFacts inspect(CheckedSource source) throws SourceUnreachable {
        AtomicReference<String> out = new AtomicReference<>("");
        long statementMs = config.statementTimeout().toMillis();
        ToolResult r = tools.run(ToolInvocation.of("psql")
                .args(
                        "-X",
                        "-q",
                        "-A",
                        "-t",
                        "-F",
                        "|",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-c",
                        "SET default_transaction_read_only = on; SET statement_timeout = " + statementMs,
                        // Qualified names: the source's owner may have put look-alikes ahead of pg_catalog.
                        "-c",
                        "SELECT 'v', pg_catalog.current_setting('server_version_num'),"
                                + " pg_catalog.pg_database_size(pg_catalog.current_database())",
                        "-c",
                        "SELECT 'e', extname FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.<>)"
                                + " 'plpgsql' ORDER BY extname")
                .env(source.libpqEnv(config.connectTimeout()))
                .stdout(in -> out.set(BoundedText.read(in, BoundedText.DEFAULT_MAX_BYTES)))
                .timeout(config.connectTimeout().plus(config.statementTimeout().multipliedBy(2)))
                .build());
        if (!r.succeeded()) {
            throw new SourceUnreachable("cannot read the source " + source.url().masked() + ": "
                    + (r.timedOut()
                            ? "it did not answer in time"
                            : r.streamFailure() != null ? r.streamFailure() : clean(r.stderr())));
        }
        int version = 0;
        long size = -1;
        List<String> extensions = new ArrayList<>();
        for (String line : out.get().split("\n")) {
            String[] f = line.split("\\|", -1);
            if (f.length == 3 && f[0].equals("v")) {
                version = Integer.parseInt(f[1].trim());
                size = Long.parseLong(f[2].trim());
            } else if (f.length == 2 && f[0].equals("e")) {
                extensions.add(f[1]);
            }
        }
        if (version == 0 || size < 0) {
            throw new SourceUnreachable(
                    "the source " + source.url().masked() + " did not answer the inspection queries");
        }
        return new SourceFacts(version, size, List.copyOf(extensions));
    }

    /** libpq's message without the "psql: error:" prefix, on one line. */
    static String clean(String stderr) {
        String s = stderr == null ? "" : stderr.strip().replace("psql: error: ", "");
        s = s.replaceAll("\\s*\\n\\s*", "; ");
        return s.isEmpty() ? "unknown error" : s;
    }
}
