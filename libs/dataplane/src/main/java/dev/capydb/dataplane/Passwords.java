package dev.capydb.dataplane;

import java.security.SecureRandom;
import java.util.Base64;

/** Strong random passwords for database roles: 256 bits, URL-safe so they sit in a connection string as-is. */
public final class Passwords {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {}

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
