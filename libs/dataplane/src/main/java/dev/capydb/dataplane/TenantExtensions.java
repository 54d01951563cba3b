package dev.capydb.dataplane;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Extensions in a tenant's database that its own role may not create: the one piece of work inside such a database
 * that needs the admin. Trusted extensions ({@code pgcrypto}, {@code citext}, …) are left to the load itself, which
 * creates them as the tenant's role; the others ({@code postgis}, {@code pg_stat_statements}) are created here, by
 * the admin, then handed to the tenant's role (the dump's {@code COMMENT ON EXTENSION}, later upgrades and the rows
 * of their configuration tables need it to own them), as managed providers do.
 *
 * <p>Why this is safe as admin: the session's {@code search_path} is pinned to {@code pg_catalog, pg_temp}; every
 * name below is qualified; {@code CREATE EXTENSION} names its schema; and the extension script runs with
 * {@code pg_catalog} searched first, so only an operator or function that has no exact match in {@code pg_catalog}
 * could be taken from the tenant's schema, which the contrib scripts avoid by qualifying what they call. Which
 * extensions may be created at all is the caller's rule (import-service's allowlist; for a restore, whatever the
 * source database already had, which an admin created there before).
 */
public final class TenantExtensions {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_-]{1,63}");

    private TenantExtensions() {}

    /** The extensions of {@code database} that only a superuser may create (read from the catalogs as admin). */
    public static List<String> untrustedIn(DatabaseHost host, String database) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = host.adminConnection(database);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT e.extname FROM pg_catalog.pg_extension e "
                        + "WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_available_extension_versions v "
                        + "WHERE v.name OPERATOR(pg_catalog.=) e.extname AND v.trusted) "
                        + "AND e.extname OPERATOR(pg_catalog.<>) 'plpgsql'::pg_catalog.name ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * Creates each named extension in {@code database} (in schema {@code public}) unless it is there, and makes
     * {@code owner} own it and its tables. Names must already have passed the caller's rule.
     */
    public static void prepare(DatabaseHost host, String database, String owner, Collection<String> extensions)
            throws SQLException {
        if (extensions.isEmpty()) {
            return;
        }
        try (Connection c = host.adminConnection(database);
                Statement st = c.createStatement()) {
            for (String ext : extensions) {
                if (ext.equals("plpgsql") || !NAME.matcher(ext).matches()) {
                    continue;
                }
                // Quoted by hand: some names have a hyphen, which Identifiers.quote refuses; the pattern above allows
                // no quote. Into public by name, since pg_catalog would be the default on this pinned session.
                st.execute("CREATE EXTENSION IF NOT EXISTS \"" + ext + "\" SCHEMA public");
                try (PreparedStatement ps = c.prepareStatement("UPDATE pg_catalog.pg_extension SET extowner = "
                        + "(SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) ?::pg_catalog.name) "
                        + "WHERE extname OPERATOR(pg_catalog.=) ?::pg_catalog.name")) {
                    ps.setString(1, owner);
                    ps.setString(2, ext);
                    ps.executeUpdate();
                }
                for (String member : memberTables(c, ext)) {
                    st.execute("ALTER TABLE " + member + " OWNER TO " + Identifiers.quote(owner));
                }
            }
        }
    }

    /** The extension's tables, views and sequences, schema-qualified (the pinned path shows no schema but pg_catalog). */
    private static List<String> memberTables(Connection c, String ext) throws SQLException {
        List<String> members = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid::pg_catalog.regclass::pg_catalog.text "
                + "FROM pg_catalog.pg_depend d "
                + "JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) d.objid "
                + "AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
                + "JOIN pg_catalog.pg_extension e ON e.oid OPERATOR(pg_catalog.=) d.refobjid "
                + "AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass "
                + "WHERE d.deptype OPERATOR(pg_catalog.=) 'e' "
                + "AND e.extname OPERATOR(pg_catalog.=) ?::pg_catalog.name "
                + "AND c.relkind OPERATOR(pg_catalog.=) ANY ('{r,p,S,v}'::pg_catalog.\"char\"[])")) {
            ps.setString(1, ext);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(rs.getString(1));
                }
            }
        }
        return members;
    }
}
