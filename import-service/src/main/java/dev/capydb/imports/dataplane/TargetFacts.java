package dev.capydb.imports.dataplane;

import dev.capydb.dataplane.DatabaseHost;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;

/** What the project's host really runs: its server version and the extensions installed on it. */
public record TargetFacts(String hostId, int serverVersionNum, Set<String> availableExtensions) {

    public int major() {
        return serverVersionNum / 10000;
    }

    /** Asks the host itself (not configuration), so preflight grades against what the import will meet. */
    public static TargetFacts of(DatabaseHost host) throws SQLException {
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement()) {
            int version;
            try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int")) {
                rs.next();
                version = rs.getInt(1);
            }
            Set<String> names = new TreeSet<>();
            try (ResultSet rs = st.executeQuery("SELECT name FROM pg_available_extensions")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return new TargetFacts(host.id(), version, names);
        }
    }
}
