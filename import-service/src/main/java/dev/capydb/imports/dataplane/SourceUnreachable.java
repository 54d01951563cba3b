package dev.capydb.imports.dataplane;

/** The source could not be connected to or read; the message (no password in it) is fit for a user. */
public class SourceUnreachable extends Exception {

    public SourceUnreachable(String message) {
        super(message);
    }
}
