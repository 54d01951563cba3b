package dev.capydb.chassis.inbox;

import java.net.ConnectException;
import java.sql.SQLException;

/** Which handler failures the inbox waits out (the database is away) and which it parks at once (the data is bad). */
final class InboxFailures {

    private InboxFailures() {}

    /**
     * The database could not be reached or dropped the connection (SQLSTATE class 08 connection exception, 57P01-03
     * shut down or starting up, 53300 too many connections): a restart or an outage, which retrying cures.
     */
    static boolean isDatabaseAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.matches("57P0[123]") || state.equals("53300")) {
                    return true;
                }
            }
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    /**
     * A failure that retrying cannot cure: the database refused the data itself (SQLSTATE class 22 data exception,
     * 23 integrity constraint violation), e.g. a required field the event lacks.
     */
    static boolean isPermanent(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }
}
