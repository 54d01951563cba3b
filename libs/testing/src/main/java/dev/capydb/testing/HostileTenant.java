package dev.capydb.testing;

import dev.capydb.testing.TestProjects.TestProject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * What a hostile project member can plant in its own database, as the project's role, to make a platform step run
 * its code as a superuser: a function that leaves the role it was given ({@code RESET ROLE}) and, if it then is a
 * superuser, touches a marker file on the database host with {@code COPY … TO PROGRAM} (shell access on the host)
 * and raises. It is reached through operators and functions that shadow {@code pg_catalog}'s for the argument types
 * platform SQL uses, a CHECK constraint and a default, an index expression and a materialized view (run while a dump
 * is restored), and a SECURITY DEFINER function (which must stay the tenant's). Tests plant it, run a platform path,
 * and check {@link #marker()} never appeared.
 */
public final class HostileTenant {

    /** Rows in {@code public.guarded}, the table the CHECK constraint guards. */
    public static final int GUARDED_ROWS = 50;

    private final Path marker;

    private HostileTenant(Path marker) {
        this.marker = marker;
    }

    /** Plants everything in the project's database, connected as the project's own role. */
    public static HostileTenant plantIn(TestProject p) throws SQLException {
        try (Connection c = p.connect()) {
            return plant(c);
        }
    }

    /** Plants everything through a connection of the database's owner. */
    public static HostileTenant plant(Connection asOwner) throws SQLException {
        Path marker = Path.of(System.getProperty("java.io.tmpdir"), "capydb-marker-" + UUID.randomUUID());
        try (Statement st = asOwner.createStatement()) {
            st.execute("CREATE FUNCTION public.capydb_attack() RETURNS boolean LANGUAGE plpgsql AS $f$ BEGIN "
                    + "BEGIN RESET ROLE; EXCEPTION WHEN OTHERS THEN NULL; END; "
                    + "IF (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) current_user) THEN "
                    + "COPY (SELECT 1) TO PROGRAM 'touch " + marker + "'; "
                    + "RAISE EXCEPTION 'a superuser ran tenant code'; END IF; RETURN true; END $f$");
            st.execute("CREATE FUNCTION public.capydb_attack_imm(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$ "
                    + "BEGIN PERFORM public.capydb_attack(); RETURN $1; END $f$");
            shadow(st, "!~~", "name", "name", "$1::text OPERATOR(pg_catalog.!~~) $2::text");
            shadow(st, "~~", "name", "name", "$1::text OPERATOR(pg_catalog.~~) $2::text");
            shadow(st, "=", "name", "character varying", "$1::text OPERATOR(pg_catalog.=) $2::text");
            shadow(st, "<>", "name", "character varying", "$1::text OPERATOR(pg_catalog.<>) $2::text");
            shadow(st, "=", "text", "character varying", "$1 OPERATOR(pg_catalog.=) $2::text");
            st.execute("CREATE FUNCTION public.format(text, name, name) RETURNS text LANGUAGE plpgsql AS $f$ BEGIN "
                    + "PERFORM public.capydb_attack(); RETURN pg_catalog.format($1, $2, $3); END $f$");
            st.execute("CREATE FUNCTION public.count(name) RETURNS bigint LANGUAGE plpgsql AS $f$ BEGIN "
                    + "PERFORM public.capydb_attack(); RETURN 0; END $f$");
            st.execute("CREATE TABLE public.guarded (id int PRIMARY KEY, v int CHECK (public.capydb_attack()), "
                    + "d boolean DEFAULT public.capydb_attack())");
            st.execute("INSERT INTO public.guarded (id, v) SELECT g, g FROM pg_catalog.generate_series(1, "
                    + GUARDED_ROWS + ") g");
            st.execute("CREATE INDEX guarded_expr ON public.guarded (public.capydb_attack_imm(v))");
            st.execute("CREATE MATERIALIZED VIEW public.guarded_view AS SELECT id FROM public.guarded "
                    + "WHERE public.capydb_attack()");
            st.execute("CREATE FUNCTION public.capydb_definer() RETURNS text LANGUAGE sql SECURITY DEFINER "
                    + "AS 'SELECT current_user::text'");
            try {
                st.execute("CREATE EVENT TRIGGER capydb_attack_ddl ON ddl_command_start "
                        + "EXECUTE FUNCTION public.capydb_attack()");
                throw new IllegalStateException("a tenant could create an event trigger");
            } catch (SQLException refused) {
                // Expected: only a superuser may; the tenant's own role is not one.
            }
        }
        return new HostileTenant(marker);
    }

    private static void shadow(Statement st, String op, String left, String right, String body) throws SQLException {
        String fn = "capydb_op_"
                + Integer.toHexString((op + left + right).hashCode()).replace('-', 'm');
        st.execute("CREATE FUNCTION public." + fn + "(" + left + ", " + right + ") RETURNS boolean LANGUAGE plpgsql "
                + "AS $f$ BEGIN PERFORM public.capydb_attack(); RETURN " + body + "; END $f$");
        st.execute("CREATE OPERATOR public." + op + " (LEFTARG = " + left + ", RIGHTARG = " + right
                + ", FUNCTION = public." + fn + ")");
    }

    /** The file that exists on the database host only if a superuser ran the tenant's code. */
    public Path marker() {
        return marker;
    }

    /** Whether a superuser ran the tenant's code (the marker was made). */
    public boolean escalated() {
        return Files.exists(marker);
    }

    /** Who owns the SECURITY DEFINER function in {@code c}'s database (it must be the tenant's role, never admin). */
    public static String definerOwner(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT r.rolname FROM "
                        + "pg_catalog.pg_proc p JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) p.proowner "
                        + "WHERE p.proname OPERATOR(pg_catalog.=) 'capydb_definer'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
