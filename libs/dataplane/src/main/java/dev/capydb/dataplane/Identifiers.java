package dev.capydb.dataplane;

import java.util.regex.Pattern;

/** SQL identifiers and literals built by us: validated against a strict shape, never escaped user text. */
public final class Identifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern PASSWORD = Pattern.compile("[A-Za-z0-9_-]{16,128}");

    private Identifiers() {}

    /** A double-quoted identifier; refuses anything but lower-case names PostgreSQL would not fold. */
    public static String quote(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a safe identifier: " + name);
        }
        return '"' + name + '"';
    }

    /** A password literal; our passwords are URL-safe base64 so they need no escaping, and others are refused. */
    public static String passwordLiteral(String password) {
        if (password == null || !PASSWORD.matcher(password).matches()) {
            throw new IllegalArgumentException("password must be 16-128 URL-safe characters");
        }
        return "'" + password + "'";
    }
}
