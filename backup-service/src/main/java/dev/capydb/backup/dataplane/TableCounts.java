package dev.capydb.backup.dataplane;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exact row counts of every user table of a database, read in the connection's current transaction. The connection
 * is a {@code TenantLogin}'s (the tables are the tenant's), with {@code search_path} pinned to {@code pg_catalog}.
 */
public final class TableCounts {

    private TableCounts() {}

    public static Map<String, Long> of(Connection c) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            // pg_dump (admin) dumps every row: a count that row-level security would shorten is an error, not a
            // silent difference.
            st.execute("SET row_security = off");
        }
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("""
                SELECT n.nspname, c.relname, format('%I.%I', n.nspname, c.relname)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
                ORDER BY 1, 2""")) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1) + "." + rs.getString(2), rs.getString(3)});
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        try (Statement st = c.createStatement()) {
            for (String[] t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + t[1])) {
                    rs.next();
                    counts.put(t[0], rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Human-readable differences between the source's counts and the restored copy's; empty when equal. */
    public static List<String> differences(Map<String, Long> source, Map<String, Long> restored) {
        List<String> out = new ArrayList<>();
        Map<String, Long> all = new TreeMap<>(source);
        restored.forEach(all::putIfAbsent);
        for (String table : all.keySet()) {
            Long a = source.get(table);
            Long b = restored.get(table);
            if (a == null || !a.equals(b)) {
                out.add(table + ": source " + (a == null ? "absent" : a) + ", restored " + (b == null ? "absent" : b));
            }
        }
        return out;
    }
}
