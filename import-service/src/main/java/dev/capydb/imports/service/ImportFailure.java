package dev.capydb.imports.service;

/** An import step failed before anything was changed; the message is fit for the job's {@code error}. */
public class ImportFailure extends Exception {

    public ImportFailure(String message) {
        super(message);
    }
}
