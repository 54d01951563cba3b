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
        if (streamFailure != null) {
            return tool + " stream failed: " + streamFailure;
        }
        String detail = stderr.isBlank() ? "" : ": " + stderr.strip();
        return tool + " exited with " + exitCode + detail;
    }
}
