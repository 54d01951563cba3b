package dev.capydb.restore.dataplane;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.restore.config.RestoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/** Waits for a started scratch cluster's WAL replay to reach the target, and judges what its log says of it. */
@ApplicationScoped
public class RecoveryReplay {

    private static final Logger LOG = Logger.getLogger(RecoveryReplay.class);
    private static final String ENDED_EARLY = "recovery ended before configured recovery target was reached";

    private final RestoreConfig config;

    public RecoveryReplay(RestoreConfig config) {
        this.config = config;
    }

    /** Returns once the cluster in {@code dir} was promoted; fails if replay ended early or took too long. */
    void awaitPromotion(DatabaseHost cluster, Path dir) throws RestoreFailure {
        long deadline = System.nanoTime() + config.pitr().recoveryTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = cluster.maintenanceConnection();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return;
                }
            } catch (SQLException e) {
                String log = log(dir);
                if (log.contains(ENDED_EARLY)) {
                    throw new RestoreFailure("recovery ended before the target time: the WAL up to it is not archived");
                }
            }
            sleep(200);
        }
        throw new RestoreFailure(
                "recovery did not reach the target within " + config.pitr().recoveryTimeout());
    }

    /**
     * Fails the restore when WAL replay referenced pages of {@code database} (or of the shared catalogs) that the
     * restored files did not hold; such references in the neighbours' zero-filled databases are expected and ignored.
     */
    void requireIntact(DatabaseHost cluster, Path dir, String database) throws RestoreFailure {
        InvalidPages pages;
        try (Stream<String> log = Files.lines(dir.resolve("recovery.log"))) {
            pages = InvalidPages.in(log);
        } catch (IOException | UncheckedIOException e) {
            throw new RestoreFailure("cannot read the scratch cluster's log: " + e.getMessage());
        }
        if (pages.count() == 0) {
            return;
        }
        long oid = -1;
        try (Connection c = cluster.maintenanceConnection();
                PreparedStatement st = c.prepareStatement("SELECT oid FROM pg_catalog.pg_database WHERE datname = ?")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    oid = rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new RestoreFailure("cannot check the recovered copy: " + e.getMessage());
        }
        if (pages.touch(oid)) {
            LOG.warnf(
                    "scratch cluster %s: WAL referenced %d page(s) its files did not hold; the first:%n%s",
                    dir, pages.count(), String.join("\n", pages.lines()));
            throw new RestoreFailure("WAL replay referenced pages of the project's database that the base backup "
                    + "does not hold: the recovered copy would be incomplete");
        }
        LOG.infof(
                "scratch cluster %s: %d page reference(s) into other projects' databases, left out by design, ignored",
                dir, pages.count());
    }

    /** Why the cluster in {@code dir} did not start, from its log; {@code fallback} when the log does not say. */
    static String startError(Path dir, String fallback) {
        String log = log(dir);
        if (log.contains(ENDED_EARLY)) {
            return "recovery ended before the target time: the WAL up to it is not archived";
        }
        // The scratch directory, and its log with it, is deleted after a failure: keep what says why, here and in ours.
        String why = String.join(
                " | ",
                log.lines()
                        .filter(l -> l.matches(".*\\b(PANIC|FATAL|ERROR):.*"))
                        .limit(3)
                        .toList());
        if (!log.isBlank()) {
            LOG.warnf(
                    "scratch cluster %s did not start; the end of its log:%n%s",
                    dir,
                    String.join(
                            "\n",
                            log.lines()
                                    .skip(Math.max(0, log.lines().count() - 30))
                                    .toList()));
        }
        return fallback + (why.isBlank() ? "" : "; " + why);
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("recovery.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
