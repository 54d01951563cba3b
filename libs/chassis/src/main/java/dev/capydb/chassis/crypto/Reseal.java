package dev.capydb.chassis.crypto;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Brings a sealed column up to date: every value not sealed under the active key (a {@code v1} value, one under an
 * older key id) is opened and sealed again under the active key with its row's {@link Aad}, in batches of one
 * transaction each. That is both the migration from {@code v1} and key rotation. A value that does not open is logged
 * and left exactly as it was. Running it again changes nothing.
 */
@ApplicationScoped
public class Reseal {

    private static final Logger LOG = Logger.getLogger(Reseal.class);
    static final int BATCH = 100;

    private final AgroalDataSource dataSource;
    private final SecretBox box;

    public Reseal(AgroalDataSource dataSource, SecretBox box) {
        this.dataSource = dataSource;
        this.box = box;
    }

    /** What one run did: values sealed again, and values left as they were because they did not open. */
    public record Outcome(int resealed, int unreadable) {}

    /**
     * For a service's start-up: each column in turn, logged; a failure (the database away) is logged and the
     * values stay readable as they are until the next start. Blocking JDBC: from a {@code StartupEvent} observer
     * (the main thread, after Flyway), never from the event loop.
     */
    public void atStart(SealedColumn... columns) {
        for (SealedColumn column : columns) {
            try {
                Outcome o = run(column);
                if (o.resealed() > 0 || o.unreadable() > 0) {
                    LOG.infof(
                            "%s.%s: %d value(s) sealed again under the active key, %d left as they were (they do not"
                                    + " open)",
                            column.table(), column.column(), o.resealed(), o.unreadable());
                }
            } catch (RuntimeException e) {
                LOG.warnf(
                        e,
                        "%s.%s: cannot re-seal now; its values stay as they are until the next start",
                        column.table(),
                        column.column());
            }
        }
    }

    public Outcome run(SealedColumn column) {
        return run(column, BATCH);
    }

    Outcome run(SealedColumn column, int batchSize) {
        int resealed = 0;
        int unreadable = 0;
        Object after = null;
        while (true) {
            Object from = after;
            Batch b = QuarkusTransaction.requiringNew().call(() -> batch(column, from, batchSize));
            resealed += b.resealed();
            unreadable += b.unreadable();
            if (b.rows() < batchSize) {
                return new Outcome(resealed, unreadable);
            }
            after = b.lastId();
        }
    }

    private record Batch(int rows, int resealed, int unreadable, Object lastId) {}

    private record Row(Object id, String sealed) {}

    /** One batch in the caller's transaction, in id order after {@code after}, rows locked until it commits. */
    private Batch batch(SealedColumn c, Object after, int size) throws SQLException {
        // Walking by id rather than re-querying "not yet current" so values that do not open are passed, not met again.
        String select = "SELECT " + c.idColumn() + ", " + c.column() + " FROM " + c.table() + " WHERE " + c.column()
                + " IS NOT NULL AND NOT starts_with(" + c.column() + ", ?)"
                + (after == null ? "" : " AND " + c.idColumn() + " > ?") + " ORDER BY " + c.idColumn()
                + " LIMIT ? FOR UPDATE";
        String update = "UPDATE " + c.table() + " SET " + c.column() + " = ? WHERE " + c.idColumn() + " = ? AND "
                + c.column() + " = ?";
        try (Connection conn = dataSource.getConnection()) {
            List<Row> rows = new ArrayList<>();
            try (PreparedStatement st = conn.prepareStatement(select)) {
                int i = 1;
                st.setString(i++, box.currentPrefix());
                if (after != null) {
                    st.setObject(i++, after);
                }
                st.setInt(i, size);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getObject(1), rs.getString(2)));
                    }
                }
            }
            int resealed = 0;
            int unreadable = 0;
            try (PreparedStatement st = conn.prepareStatement(update)) {
                for (Row r : rows) {
                    String again;
                    try {
                        again = box.reseal(r.sealed(), c.aad(r.id()));
                    } catch (SecretUnreadableException e) {
                        LOG.warnf("%s; left as it was", e.getMessage());
                        unreadable++;
                        continue;
                    }
                    st.setString(1, again);
                    st.setObject(2, r.id());
                    st.setString(3, r.sealed());
                    resealed += st.executeUpdate();
                }
            }
            Object last = rows.isEmpty() ? after : rows.get(rows.size() - 1).id();
            return new Batch(rows.size(), resealed, unreadable, last);
        }
    }
}
