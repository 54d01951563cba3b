package dev.capydb.dataplane;

import io.vertx.core.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** A PostgreSQL cluster of the data plane, with the admin credentials to manage it. */
public record DatabaseHost(
        String id,
        String region,
        String address,
        int port,
        String adminUser,
        String adminPassword,
        boolean pitr,
        String publicHost,
        int pooledPort,
        String maintenanceDatabase,
        Optional<String> socketDirectory) {

    public static DatabaseHost of(String id, DataplaneConfig.HostSettings s) {
        return new DatabaseHost(
                id,
                s.region(),
                s.address(),
                s.port(),
                s.adminUser(),
                s.adminPassword(),
                s.pitr(),
                s.publicHost().orElse(s.address()),
                s.poolerPort().orElse(s.port()),
                s.maintenanceDatabase(),
                s.socketDirectory());
    }

    /**
     * Opens an admin connection to {@code database} on this host (autocommit on). Its {@code search_path} is pinned to
     * {@code pg_catalog, pg_temp} from the first statement on, so no operator or function a tenant created in one of
     * its schemas can ever be picked by our SQL. Still, SQL that touches a tenant's objects (reads its tables, loads
     * into its database) does not belong on this connection at all: that is {@link TenantLogin}'s job.
     */
    public Connection adminConnection(String database) throws SQLException {
        if (Context.isOnEventLoopThread()) {
            // JDBC to a data-plane host blocks: reactive code reaches it through the blocking pool.
            throw new IllegalStateException("refusing to open a JDBC connection to " + id + " on the event loop");
        }
        Properties props = new Properties();
        props.setProperty("user", adminUser);
        props.setProperty("password", adminPassword);
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "capydb-dataplane");
        props.setProperty("options", TenantLogin.SAFE_SEARCH_PATH);
        return DriverManager.getConnection("jdbc:postgresql://" + address + ":" + port + "/" + database, props);
    }

    public Connection maintenanceConnection() throws SQLException {
        return adminConnection(maintenanceDatabase);
    }

    /** Environment for a PostgreSQL client tool acting as admin: the password travels here, never in argv. */
    public Map<String, String> adminToolEnv() {
        return Map.of(
                "PGHOST",
                toolHost(),
                "PGPORT",
                Integer.toString(port),
                "PGUSER",
                adminUser,
                "PGPASSWORD",
                adminPassword,
                "PGCONNECT_TIMEOUT",
                "10");
    }

    /**
     * Where client tools connect: the socket directory while this host's socket is there, else the address. Over
     * loopback TCP every byte of a dump or restore also goes through the TCP stack twice; the socket skips that
     * (measured: pg_dump of a 300 MB database 10-15 % faster). JDBC connections stay on TCP: they move little.
     */
    String toolHost() {
        return socketDirectory
                .filter(dir -> Files.exists(Path.of(dir, ".s.PGSQL." + port)))
                .orElse(address);
    }

    @Override
    public String toString() {
        // Never print the admin password.
        return "DatabaseHost[" + id + " region=" + region + " " + address + ":" + port + " pitr=" + pitr + "]";
    }
}
