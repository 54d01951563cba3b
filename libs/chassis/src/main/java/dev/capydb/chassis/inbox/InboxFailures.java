package dev.capydb.chassis.inbox;

import dev.capydb.chassis.persistence.SqlStates;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;

/** Which handler failures the inbox waits out (the database is away) and which it parks at once (the data is bad). */
final class InboxFailures {

    private InboxFailures() {}

    /**
     * The database could not be reached or dropped the connection (SQLSTATE class 08 connection exception, 57P01-03
     * shut down or starting up, 53300 too many connections): a restart or an outage, which retrying cures.
     */
    static boolean isDatabaseAway(Throwable e) {
        if (SqlStates.any(e, s -> s.startsWith("08") || s.matches("57P0[123]") || s.equals("53300"))) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            // JDBC's refused connect, or the reactive client's (Netty's is a ConnectException) and its dropped one.
            if (t instanceof ConnectException || t instanceof ClosedConnectionException) {
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
        return SqlStates.any(e, s -> s.startsWith("22") || s.startsWith("23"));
    }
}
