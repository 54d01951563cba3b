package dev.capydb.restore.dataplane;

import dev.capydb.dataplane.ToolRunner;
import dev.capydb.restore.config.RestoreConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The private directories scratch clusters run in. Each holds a file lock for as long as its restore runs, so the
 * directories of a killed service (a cluster may even still be running there) are told apart from live ones and
 * swept at start and every few minutes.
 */
@ApplicationScoped
public class ScratchDirectories {

    private static final Logger LOG = Logger.getLogger(ScratchDirectories.class);
    private static final String SCRATCH_PREFIX = "capydb-pitr-";
    private static final String LOCK_FILE = "capydb-restore.lock";

    /** A scratch directory and this process's hold on it. */
    public record Held(Path dir, FileLock lock) {}

    private final ToolRunner tools;
    private final ClusterUser user;
    private final RestoreConfig config;

    public ScratchDirectories(ToolRunner tools, ClusterUser user, RestoreConfig config) {
        this.tools = tools;
        this.user = user;
        this.config = config;
    }

    /** A new scratch directory, locked by this process and owned by the cluster's user. */
    Held create() throws IOException {
        Path dir = Files.createTempDirectory(scratchRoot(), SCRATCH_PREFIX);
        FileLock owner = lock(dir);
        if (owner == null) {
            throw new IOException("its lock is taken");
        }
        user.own(dir);
        return new Held(dir, owner);
    }

    /** Stops whatever cluster runs in {@code dir}, deletes it, then lets its lock go. */
    void discard(Path dir, FileLock owner) {
        Path data = dir.resolve("data");
        if (Files.exists(data.resolve("postmaster.pid"))) {
            tools.run(user.tool("pg_ctl", "--pgdata=" + data, "--mode=immediate", "--wait", "stop")
                    .build());
        }
        deleteTree(dir);
        try {
            owner.channel().close();
        } catch (IOException e) {
            LOG.debugf("closing the lock of %s: %s", dir, e.getMessage());
        }
    }

    /**
     * Stops and deletes scratch clusters nobody holds any more (their service was killed mid-restore). A directory
     * whose lock another process (or a restore of this one) holds is left alone.
     */
    @Scheduled(every = "5m", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweepTick() {
        sweepAbandoned();
    }

    void sweepAtStart(@Observes StartupEvent start) {
        sweepAbandoned();
    }

    /** Returns how many abandoned scratch directories were removed. */
    public int sweepAbandoned() {
        List<Path> candidates;
        try (Stream<Path> dirs = Files.list(scratchRoot())) {
            candidates = dirs.filter(d -> d.getFileName().toString().startsWith(SCRATCH_PREFIX) && Files.isDirectory(d))
                    .toList();
        } catch (IOException e) {
            LOG.warnf("cannot look for abandoned scratch clusters: %s", e.getMessage());
            return 0;
        }
        int removed = 0;
        for (Path dir : candidates) {
            FileLock owner;
            try {
                owner = lock(dir);
            } catch (IOException | OverlappingFileLockException e) {
                continue;
            }
            if (owner == null) {
                continue;
            }
            LOG.infof("removing the abandoned scratch cluster %s", dir);
            discard(dir, owner);
            removed++;
        }
        return removed;
    }

    private Path scratchRoot() {
        return Path.of(config.pitr().scratchDir().orElse(System.getProperty("java.io.tmpdir")));
    }

    /** This process's hold on {@code dir}; null when another process holds it. */
    private static FileLock lock(Path dir) throws IOException {
        FileChannel channel =
                FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
            channel.close();
        }
        return lock;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warnf("could not delete scratch directory %s: %s", dir, e.getMessage());
        }
    }
}
