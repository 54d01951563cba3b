package dev.capydb.chassis.errors;

import dev.capydb.chassis.persistence.SqlStates;

/** Recognises a PostgreSQL unique-index violation (SQLSTATE 23505) anywhere in an exception's cause chain. */
public final class UniqueViolation {

    private static final String UNIQUE_VIOLATION = "23505";

    private UniqueViolation() {}

    /** Whether {@code e} was caused by any unique violation. */
    public static boolean in(Throwable e) {
        return find(e, null);
    }

    /** Whether {@code e} was caused by a unique violation of {@code index} (PostgreSQL names it in the message). */
    public static boolean of(Throwable e, String index) {
        return find(e, index);
    }

    private static boolean find(Throwable e, String index) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (UNIQUE_VIOLATION.equals(SqlStates.of(t))
                    && (index == null || String.valueOf(t.getMessage()).contains("\"" + index + "\""))) {
                return true;
            }
        }
        return false;
    }
}
