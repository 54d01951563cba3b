package dev.capydb.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs the CLI in-process against fakes, capturing stdout, stderr and the exit code. */
final class Cli {

    /** What one run left behind. */
    record Result(int code, String out, String err) {}

    final Map<String, String> env = new HashMap<>();
    final Path configDir;
    boolean tty;

    Cli(Path configDir, String apiUrl) {
        this.configDir = configDir;
        env.put("CAPYDB_API_URL", apiUrl);
        env.put("CAPYDB_TOKEN", "test-token");
        env.put("CAPYDB_POLL_INTERVAL_MS", "5");
    }

    Cli project(String id) {
        env.put("CAPYDB_PROJECT", id);
        return this;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Context ctx = new Context(
                Map.copyOf(env), configDir, new PrintWriter(out, true), new PrintWriter(err, true), tty, tty);
        int code = Main.run(ctx, args);
        return new Result(code, out.toString(), err.toString());
    }
}
