package dev.capydb.testing;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.Passwords;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.ProjectPayload;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Real project databases on host local-1 for a service's tests, announced to its read model the way
 * project-service would ({@code project.*} events handed to {@code announce}). The databases it made, and the copies
 * the tests' restores and imports kept of them ({@code <name>_old_*}), are dropped when the test JVM exits: left
 * behind, they pile up on the shared host over many runs and make every point-in-time recovery (which copies the
 * whole cluster) slower.
 */
public final class TestProjects {

    /** A project as the tests use it; {@code password} is its role's (null when it has no database). */
    public record TestProject(UUID id, String database, DatabaseHost host, String password) {

        /** Connects as the project's own role, as the customer's application would. */
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(
                    "jdbc:postgresql://" + host.address() + ":" + host.port() + "/" + database, database, password);
        }
    }

    private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean CLEANUP_REGISTERED = new AtomicBoolean();

    private final Consumer<EventEnvelope> announce;
    private final DatabaseProvisioner provisioner;
    private final HostRegistry hosts;

    /** {@code announce} applies an event to the service's read model (in a transaction of its own). */
    public TestProjects(Consumer<EventEnvelope> announce, DatabaseProvisioner provisioner, HostRegistry hosts) {
        this.announce = announce;
        this.provisioner = provisioner;
        this.hosts = hosts;
    }

    /** A project of org acme with tables {@code orders} (n rows) and {@code customers} (3 rows), owned by its role. */
    public TestProject withData(int orders) throws Exception {
        return withData(orders, "local-1");
    }

    /** As {@link #withData(int)}, on host {@code hostId} (whose region has the same name). */
    public TestProject withData(int orders, String hostId) throws Exception {
        UUID id = UUID.randomUUID();
        String db = "prj_" + id.toString().replace("-", "");
        DatabaseHost host = hosts.host(hostId);
        String password = Passwords.generate();
        provisioner.create(host, db, db, password);
        if ("local-1".equals(hostId)) {
            dropAtExit(host, db); // other hosts are test clusters, thrown away whole
        }
        TestProject project = new TestProject(id, db, host, password);
        try (Connection c = project.connect();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id int primary key, name text not null)");
            st.execute("INSERT INTO customers VALUES (1, 'ada'), (2, 'grace'), (3, 'edsger')");
            st.execute(
                    "CREATE TABLE orders (id bigserial primary key, customer int references customers, total numeric)");
            st.execute("INSERT INTO orders (customer, total) SELECT 1 + g % 3, g * 1.5 FROM generate_series(1, "
                    + orders + ") g");
        }
        announce(id, db, "active", 1, hostId, "local-1".equals(hostId));
        return project;
    }

    private static void dropAtExit(DatabaseHost host, String db) {
        CREATED.add(db);
        if (CLEANUP_REGISTERED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> dropCreated(host), "test-projects-cleanup"));
        }
    }

    private static void dropCreated(DatabaseHost host) {
        try (Connection c = host.maintenanceConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'prj\\_%'")) {
            List<String> drop = new ArrayList<>();
            while (rs.next()) {
                String name = rs.getString(1);
                if (CREATED.contains(name) || CREATED.stream().anyMatch(made -> name.startsWith(made + "_old_"))) {
                    drop.add(name);
                }
            }
            for (String name : drop) {
                st.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            }
            for (String role : CREATED) {
                try {
                    st.execute("DROP ROLE IF EXISTS \"" + role + "\"");
                } catch (SQLException e) {
                    // still owns something elsewhere (a preview the test left); the role is harmless
                }
            }
        } catch (SQLException | RuntimeException e) {
            System.err.println("could not drop the test databases: " + e.getMessage());
        }
    }

    /** A project the read model knows but whose database does not exist: every dump of it fails. */
    public TestProject withoutDatabase() {
        UUID id = UUID.randomUUID();
        String db = "prj_missing_" + id.toString().replace("-", "").substring(0, 12);
        announce(id, db, "active", 1);
        return new TestProject(id, db, hosts.host("local-1"), null);
    }

    /** Announces the project's state (status {@code active}, {@code restoring}, {@code deleted}…) at a version. */
    public void announce(UUID id, String db, String status, long version) {
        announce(id, db, status, version, "local-1", true);
    }

    /** As {@link #announce(UUID, String, String, long)}, in a given region (host of the same name). */
    public void announce(UUID id, String db, String status, long version, String region, boolean pitr) {
        Instant now = Instant.now();
        announce.accept(EventEnvelope.of(
                EventType.PROJECT_UPDATED,
                "project-service",
                "acme",
                id,
                null,
                new ProjectPayload(
                        id,
                        "acme",
                        "p-" + id.toString().substring(0, 8),
                        region,
                        "free",
                        512L << 20,
                        region,
                        db,
                        db,
                        status,
                        pitr,
                        version,
                        now,
                        now)));
    }
}
