package dev.capydb.dataplane;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The databases a swap replaced: recorded in the service's {@code retired_database} table, kept for the safety
 * window so a bad swap can be undone by hand, then dropped.
 */
public class RetiredDatabases {

    private static final Logger LOG = Logger.getLogger(RetiredDatabases.class);

    private final DataSource dataSource;
    private final String jobColumn;
    private final Duration safetyWindow;
    private final DatabaseSwap swap;
    private final HostRegistry hosts;

    /**
     * @param dataSource the service's own database, holding {@code retired_database}
     * @param jobColumn  the column naming the job that replaced a database ({@code restore_id}, {@code import_id})
     */
    public RetiredDatabases(
            DataSource dataSource, String jobColumn, Duration safetyWindow, DatabaseSwap swap, HostRegistry hosts) {
        this.dataSource = dataSource;
        this.jobColumn = jobColumn;
        this.safetyWindow = safetyWindow;
        this.swap = swap;
        this.hosts = hosts;
    }

    /** Records a replaced database, to be dropped after the safety window (joins the caller's transaction). */
    public void retire(String name, String hostId, UUID projectId, UUID jobId, Instant now) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("INSERT INTO retired_database (name, host_id, project_id, "
                        + jobColumn + ", retired_at, drop_after) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")) {
            st.setString(1, name);
            st.setString(2, hostId);
            st.setObject(3, projectId);
            st.setObject(4, jobId);
            st.setTimestamp(5, Timestamp.from(now));
            st.setTimestamp(6, Timestamp.from(now.plus(safetyWindow)));
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drops replaced databases whose safety window has passed; one that cannot go yet is tried next time. */
    public int dropDue() {
        int dropped = 0;
        for (String[] d : due()) {
            try {
                swap.drop(hosts.host(d[1]), d[0]);
            } catch (SQLException e) {
                LOG.warnf("cannot drop retired database %s yet: %s", d[0], e.getMessage());
                continue;
            }
            markDropped(d[0]);
            dropped++;
        }
        return dropped;
    }

    /** Name and host of each database due, each as {@code {name, host_id}}. */
    private List<String[]> due() {
        List<String[]> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT name, host_id FROM retired_database WHERE dropped_at IS NULL AND drop_after <= now()");
                ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private void markDropped(String name) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st =
                        c.prepareStatement("UPDATE retired_database SET dropped_at = now() WHERE name = ?")) {
            st.setString(1, name);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
