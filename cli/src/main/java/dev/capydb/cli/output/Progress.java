package dev.capydb.cli.output;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress line on stderr. On a terminal it redraws one line in place; otherwise (CI logs, a pipe) it prints
 * a new line only when something other than the clock changed, so logs stay short.
 */
public final class Progress {

    private final PrintWriter err;
    private final boolean tty;
    private final LongSupplier nanos;
    private final long started;
    private String lastShown;
    private int lastWidth;

    public Progress(PrintWriter err, boolean tty, LongSupplier nanos) {
        this.err = err;
        this.tty = tty;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
    }

    public long elapsedMillis() {
        return (nanos.getAsLong() - started) / 1_000_000;
    }

    /** {@code state}: what changed; the elapsed time is appended here. */
    public synchronized void update(String state) {
        String line = state + "  " + Format.elapsed(elapsedMillis());
        if (tty) {
            err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            err.flush();
            lastWidth = line.length();
        } else if (!state.equals(lastShown)) {
            err.println(line);
            err.flush();
        }
        lastShown = state;
    }

    /** Ends the line in place on a terminal; nothing to do otherwise. */
    public synchronized void finish() {
        if (tty && lastWidth > 0) {
            err.println();
            err.flush();
            lastWidth = 0;
        }
    }

    /** {@code [#####---------------]  25%  12.0 MB/48.0 MB  8.1 MB/s}. */
    public static String bar(long done, long total, long elapsedMillis) {
        int pct = percent(done, total);
        int filled = pct / 5;
        double mbps = elapsedMillis <= 0 ? 0 : done / 1048576.0 / (elapsedMillis / 1000.0);
        return String.format(
                Locale.ROOT,
                "[%s%s] %3d%%  %s/%s  %.1f MB/s",
                "#".repeat(filled),
                "-".repeat(20 - filled),
                pct,
                Format.bytes(done),
                Format.bytes(total),
                mbps);
    }

    public static int percent(long done, long total) {
        return total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
    }

    public boolean tty() {
        return tty;
    }
}
