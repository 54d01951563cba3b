package dev.capydb.chassis.persistence;

import io.vertx.sqlclient.DatabaseException;
import java.sql.SQLException;
import java.util.function.Predicate;

/**
 * The SQLSTATE of a database failure anywhere in a cause chain, whether JDBC ({@link SQLException}) or the reactive
 * client ({@link DatabaseException}) reported it: one rule for both while some services still write through JDBC.
 */
public final class SqlStates {

    private SqlStates() {}

    /** Whether any failure in {@code e}'s cause chain carries a SQLSTATE that {@code state} accepts. */
    public static boolean any(Throwable e, Predicate<String> state) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            String s = of(t);
            if (s != null && state.test(s)) {
                return true;
            }
        }
        return false;
    }

    /** This one failure's SQLSTATE, or null when it is not a database's. */
    public static String of(Throwable t) {
        if (t instanceof SQLException sql) {
            return sql.getSQLState();
        }
        if (t instanceof DatabaseException db) {
            return db.getSqlState();
        }
        return null;
    }
}
