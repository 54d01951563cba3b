package dev.capydb.dataplane;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Typed configuration of the data plane: the database hosts (credentials from config, never events) and tools. */
@ConfigMapping(prefix = "capydb.dataplane")
public interface DataplaneConfig {

    /** Hosts by id. */
    Map<String, HostSettings> hosts();

    /** Directory holding pg_dump, pg_restore, psql…; absent means they are found on PATH. */
    Optional<String> pgBinDir();

    /** Upper bound for one tool run unless the caller gives its own. */
    @WithDefault("PT6H")
    Duration toolTimeout();

    /** One PostgreSQL cluster that holds project and preview databases. */
    interface HostSettings {
        String region();

        @WithDefault("127.0.0.1")
        String address();

        int port();

        @WithDefault("postgres")
        String adminUser();

        String adminPassword();

        /** Whether this host archives WAL continuously (its region then offers PITR). */
        @WithDefault("false")
        boolean pitr();

        /** Host name customers connect to; defaults to {@link #address()}. */
        Optional<String> publicHost();

        /** Port of a connection pooler in front of the host, used for the pooled URL. */
        Optional<Integer> poolerPort();

        @WithDefault("postgres")
        String maintenanceDatabase();

        /**
         * The host's Unix-socket directory, for services running on the same machine as the host (one-machine
         * installs, a per-host agent). Client tools then connect through the socket rather than TCP, which moves a
         * dump's bytes for less CPU; while the socket is absent they use TCP as usual.
         */
        Optional<String> socketDirectory();

        /**
         * The host's data directory, where pgBackRest finds it: on this machine (one-machine installs), or on the host
         * behind its pgBackRest TLS server ({@link #pgbackrestHost()}).
         */
        Optional<String> dataDirectory();

        /**
         * Address of the host's pgBackRest TLS server ({@code pgbackrest server}), through which base backups of a host
         * on another machine run; absent means the host runs on this machine.
         */
        Optional<String> pgbackrestHost();
    }
}
