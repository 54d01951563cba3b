package dev.capydb.dataplane;

/** How a tool run ended: exit code, whether it was killed for time, the tail of stderr, any stream failure. */
public record ToolResult(int exitCode, boolean timedOut, String stderr, String streamFailure) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut && streamFailure == null;
    }

    /** One line for a job's {@code error}: why it failed, with the tool's own words. */
    public String describeFailure(String tool) {
        if (timedOut) {
            return tool + " timed out";
        }
        if (exitCode == 0 && streamFailure != null) {
            return tool + " stream failed: " + streamFailure;
        }
        // A tool that failed on its own (a missing database, a bad dump) also breaks the stream it fed; which of
        // the two is noticed first is a race, so the tool's words come first and the stream's follow.
        String detail = stderr.isBlank() ? "" : ": " + stderr.strip();
        String stream = streamFailure == null ? "" : "; stream failed: " + streamFailure;
        if (isDiskFull()) {
            // The first thing a customer or an operator needs to know, before the tool's own words.
            return "the database host ran out of disk space: " + tool + " exited with " + exitCode + detail + stream;
        }
        return tool + " exited with " + exitCode + detail + stream;
    }

    /** Whether the server or the tool reported a full disk (SQLSTATE 53100, or ENOSPC in its words). */
    public boolean isDiskFull() {
        return stderr.contains("No space left on device")
                || stderr.contains("could not extend file")
                || stderr.contains("53100");
    }
}
