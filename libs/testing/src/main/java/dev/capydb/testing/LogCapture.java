package dev.capydb.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Captures every log record of the running service (all categories, all levels) in memory, with its MDC, so a
 * test can assert what was, and what was never, written to the logs. Close it to detach.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    /** One captured line: logger, level, the formatted message with its exception's text, and the MDC then. */
    public record Line(String logger, Level level, String text, Map<String, String> mdc) {}

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");

    /** Sees what the service's configured levels let through, as a production log would. */
    private LogCapture() {
        setLevel(Level.ALL);
        root.addHandler(this);
    }

    /** Starts capturing now. */
    public static LogCapture start() {
        return new LogCapture();
    }

    @Override
    public void publish(LogRecord record) {
        String message;
        Map<String, String> mdc = Map.of();
        if (record instanceof ExtLogRecord ext) {
            message = ext.getFormattedMessage();
            mdc = Map.copyOf(ext.getMdcCopy());
        } else {
            message = record.getMessage();
        }
        StringBuilder text = new StringBuilder(String.valueOf(message));
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            text.append(" | ").append(t);
        }
        lines.add(new Line(record.getLoggerName(), record.getLevel(), text.toString(), mdc));
    }

    /** What was captured so far. */
    public List<Line> lines() {
        return new ArrayList<>(lines);
    }

    /** The captured lines containing {@code needle} (case-sensitive). */
    public List<Line> containing(String needle) {
        return lines.stream()
                .filter(l -> l.text().contains(needle) || l.mdc().containsValue(needle))
                .toList();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        root.removeHandler(this);
    }
}
