package dev.capydb.webhook.service;

import java.util.regex.Pattern;

/** Masks passwords inside connection URLs before text is stored, logged or shown. */
public final class Redact {

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(\\w+://[^:/@\\s\"]+:)[^@\\s\"]+@");

    private Redact() {}

    public static String urlPasswords(String text) {
        return text == null ? null : URL_PASSWORD.matcher(text).replaceAll("$1****@");
    }
}
