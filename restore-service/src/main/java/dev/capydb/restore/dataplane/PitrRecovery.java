package dev.capydb.restore.dataplane;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.restore.config.RestoreConfig;
import dev.capydb.restore.service.PitrWindow;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Point-in-time recovery in a private scratch cluster. pgBackRest restores the chosen backup set into a scratch
 * directory, copying only the project database's files (the host's other databases become sparse zero files, so the
 * cost follows the project, not its neighbours); WAL comes from the repository ({@code restore_command} is pgBackRest's
 * {@code archive-get}) up to {@code recovery_target_time}; the cluster is promoted on a free loopback port, and the
 * caller dumps the project's database out of it. A base backup made before pgBackRest (one tar object) is unpacked
 * whole instead, its WAL read from the old archive and then from pgBackRest's. The scratch cluster is stopped and
 * deleted by {@link Cluster#close()}, also after a failure ({@link ScratchDirectories} sweeps a killed service's).
 */
@ApplicationScoped
public class PitrRecovery {

    /** A recovered scratch cluster, reachable like a host; closing it stops and deletes it. */
    public final class Cluster implements AutoCloseable {
        private final Path dir;
        private final DatabaseHost host;
        private final FileLock owner;

        Cluster(Path dir, DatabaseHost host, FileLock owner) {
            this.dir = dir;
            this.host = host;
            this.owner = owner;
        }

        public DatabaseHost host() {
            return host;
        }

        @Override
        public void close() {
            directories.discard(dir, owner);
        }
    }

    private final ToolRunner tools;
    private final ScratchDirectories directories;
    private final RecoverySetup setup;
    private final RecoveryReplay replay;
    private final ClusterUser user;
    private final RestoreConfig config;

    public PitrRecovery(
            ToolRunner tools,
            ScratchDirectories directories,
            RecoverySetup setup,
            RecoveryReplay replay,
            ClusterUser user,
            RestoreConfig config) {
        this.tools = tools;
        this.directories = directories;
        this.setup = setup;
        this.replay = replay;
        this.user = user;
        this.config = config;
    }

    /**
     * Recovers {@code database} of {@code source} to {@code target} from {@code base}; {@code replaying} is told when
     * the files are in place and WAL replay starts.
     */
    public Cluster recover(
            DatabaseHost source, PitrWindow.BaseBackupRef base, Instant target, String database, Runnable replaying)
            throws RestoreFailure {
        ScratchDirectories.Held held;
        try {
            held = directories.create();
        } catch (IOException e) {
            throw new RestoreFailure("cannot create a scratch directory: " + e.getMessage());
        }
        Path dir = held.dir();
        Path data = dir.resolve("data");
        try {
            Path repoConfig = setup.pgBackRestConfig(source, dir, data);
            if (base.label() != null) {
                setup.restoreSet(source, base.label(), repoConfig, data, target, database);
            } else {
                setup.unpack(base.objectKey(), data);
            }
            replaying.run();
            int port = freePort();
            setup.configure(source, dir, data, port, target, base.label() == null ? repoConfig : null);
            ToolResult started = tools.run(user.tool(
                            "pg_ctl",
                            "--pgdata=" + data,
                            "--log=" + dir.resolve("recovery.log"),
                            "--wait",
                            "--timeout=" + config.pitr().recoveryTimeout().toSeconds(),
                            "start")
                    .timeout(config.pitr().recoveryTimeout().plusMinutes(1))
                    .build());
            DatabaseHost scratch = new DatabaseHost(
                    "pitr-scratch",
                    source.region(),
                    "127.0.0.1",
                    port,
                    source.adminUser(),
                    source.adminPassword(),
                    false,
                    "127.0.0.1",
                    port,
                    "postgres",
                    // Its pg_dump then reads through the socket the scratch cluster opens in its own directory.
                    Optional.of(dir.toString()));
            Cluster cluster = new Cluster(dir, scratch, held.lock());
            if (!started.succeeded()) {
                throw new RestoreFailure(RecoveryReplay.startError(dir, started.describeFailure("pg_ctl start")));
            }
            replay.awaitPromotion(scratch, dir);
            if (base.label() != null) {
                replay.requireIntact(scratch, dir, database);
            }
            return cluster;
        } catch (RestoreFailure | RuntimeException e) {
            directories.discard(dir, held.lock());
            throw e;
        }
    }

    private static int freePort() throws RestoreFailure {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new RestoreFailure("no free port for the scratch cluster");
        }
    }
}
