package dev.capydb.dataplane;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * The rules every data-plane host must hold so that tenants stay inside their own database, applied to each
 * configured host when a service starts (idempotent, so existing hosts get them too): the maintenance and template
 * databases are closed to {@code PUBLIC} (platform locks live in the maintenance database, so no tenant can take
 * them), the group of job logins ({@link TenantLogin}) exists, and job logins a crashed worker left behind are
 * dropped once expired. {@code pg_hba.conf} is the host's other half (a role reaches only the database of its own
 * name; see dev/stack and k8s/README.md).
 */
@ApplicationScoped
public class HostHardening {

    private static final Logger LOG = Logger.getLogger(HostHardening.class);
    /** Group of every job login; it holds no privileges, it only lets pg_hba admit its members to any database. */
    public static final String JOBS_GROUP = "capydb_jobs";
    /** How long a job login can log in; longer than any job's timeout. */
    static final Duration LOGIN_LIFETIME = Duration.ofHours(48);

    private final HostRegistry hosts;

    public HostHardening(HostRegistry hosts) {
        this.hosts = hosts;
    }

    /** In the background: a host that is down must not hold up the service's start; it is retried at next start. */
    void onStart(@Observes StartupEvent start) {
        CompletableFuture.runAsync(() -> hosts.all().forEach(HostHardening::applyQuietly));
    }

    private static void applyQuietly(DatabaseHost host) {
        try {
            apply(host);
        } catch (SQLException e) {
            LOG.warnf("cannot apply the tenant-isolation rules to host %s now: %s", host.id(), e.getMessage());
        }
    }

    /** Applies the rules to one host. */
    public static void apply(DatabaseHost host) throws SQLException {
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement()) {
            st.execute(ensureJobsGroupSql());
            st.execute("REVOKE CONNECT, TEMPORARY ON DATABASE " + Identifiers.quote(host.maintenanceDatabase())
                    + " FROM PUBLIC");
            st.execute("REVOKE CONNECT, TEMPORARY ON DATABASE template1 FROM PUBLIC");
            for (String role : expiredLogins(st)) {
                LOG.infof("dropping expired job login %s on %s", role, host.id());
                TenantLogin.drop(host, null, role);
            }
        }
    }

    /** Creates the group unless it exists; two services starting together may both try, and the loser's is fine. */
    static String ensureJobsGroupSql() {
        return "DO $$ BEGIN CREATE ROLE " + JOBS_GROUP + " NOLOGIN NOINHERIT; "
                + "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$";
    }

    private static List<String> expiredLogins(Statement st) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT r.rolname FROM pg_catalog.pg_roles r "
                + "JOIN pg_catalog.pg_auth_members m ON m.member OPERATOR(pg_catalog.=) r.oid "
                + "JOIN pg_catalog.pg_roles g ON g.oid OPERATOR(pg_catalog.=) m.roleid "
                + "WHERE g.rolname OPERATOR(pg_catalog.=) '" + JOBS_GROUP + "'::pg_catalog.name "
                + "AND r.rolvaliduntil OPERATOR(pg_catalog.<) pg_catalog.now()")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** The SQL literal of a job login's expiry. */
    static String expiry() {
        return "'"
                + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssx")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.now().plus(LOGIN_LIFETIME))
                + "'";
    }
}
