package dev.capydb.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch of the outside world: environment, config dir, the two output streams and whether
 * they are terminals. Passed in so tests can run the whole CLI in-process.
 */
public record Context(
        Map<String, String> env,
        Path configDir,
        PrintWriter out,
        PrintWriter err,
        boolean stdoutTty,
        boolean stderrTty) {

    public static final String DEFAULT_API_URL = "http://127.0.0.1:8080";
    public static final String DEFAULT_AUTH_URL = "http://127.0.0.1:18080/realms/capydb";
    public static final String DEFAULT_CLIENT_ID = "capydb-cli";

    /** The real process: TTY flags come from the launcher script, which can ask the shell ({@code [ -t 1 ]}). */
    public static Context system() {
        Map<String, String> env = System.getenv();
        return new Context(
                env,
                configDir(env),
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                Boolean.getBoolean("capydb.stdout.tty"),
                Boolean.getBoolean("capydb.stderr.tty"));
    }

    /** {@code CAPYDB_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/capydb}, else {@code ~/.config/capydb}. */
    static Path configDir(Map<String, String> env) {
        String dir = env.get("CAPYDB_CONFIG_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "capydb");
        }
        return Path.of(System.getProperty("user.home"), ".config", "capydb");
    }

    public String env(String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Colour only for a terminal, and never when the user opted out (no-color.org). */
    public boolean colour(boolean tty) {
        return tty && env.get("NO_COLOR") == null && !"dumb".equals(env.get("TERM"));
    }
}
