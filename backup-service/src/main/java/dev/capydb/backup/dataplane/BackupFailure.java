package dev.capydb.backup.dataplane;

/** A backup step failed; the message is fit for the job's {@code error} (no passwords). */
public class BackupFailure extends Exception {

    public BackupFailure(String message) {
        super(message);
    }

    public BackupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
