package dev.capydb.restore.dataplane;

/** A restore step failed; the message is fit for the job's {@code error}. */
public class RestoreFailure extends Exception {

    public RestoreFailure(String message) {
        super(message);
    }
}
