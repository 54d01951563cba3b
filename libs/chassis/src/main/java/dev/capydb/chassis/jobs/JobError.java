package dev.capydb.chassis.jobs;

/** The error text a failed job keeps: bounded, so a tool's endless stderr cannot bloat the row or the event. */
public final class JobError {

    /** The most characters a job's {@code error} holds. */
    public static final int MAX_LENGTH = 2000;

    private JobError() {}

    /** {@code error}, cut to {@link #MAX_LENGTH} characters. */
    public static String bounded(String error) {
        return error.length() > MAX_LENGTH ? error.substring(0, MAX_LENGTH) : error;
    }
}
