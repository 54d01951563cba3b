package dev.capydb.restore.service;

import java.util.Locale;

/**
 * How long each step of one point-in-time restore took, logged once at its end: the figures to set against the same
 * steps run by hand (bench/pitr.sh) when a restore is slower than its tools.
 */
final class PitrSteps {

    private long last = System.nanoTime();
    private final StringBuilder line = new StringBuilder();

    /** Ends the step running since the previous call (or since creation). */
    synchronized void ended(String step) {
        long now = System.nanoTime();
        line.append(line.isEmpty() ? "" : " ")
                .append(step)
                .append('=')
                .append(String.format(Locale.ROOT, "%.1fs", (now - last) / 1e9));
        last = now;
    }

    @Override
    public synchronized String toString() {
        return line.toString();
    }
}
