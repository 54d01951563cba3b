package dev.capydb.restore.service;

import dev.capydb.restore.config.RestoreConfig;
import dev.capydb.restore.dataplane.RestoreFailure;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The per-host bound on concurrent point-in-time recoveries, shared by every replica: slot {@code i} of a host is a
 * session advisory lock on the control database, held on its own connection for as long as the recovery runs (a
 * killed replica's connection ends, and its slot with it). A recovery that finds every slot taken says so once
 * (its restore shows phase {@code queued} while running) and tries again every second.
 */
@ApplicationScoped
public class PitrSlots {

    private final AgroalDataSource dataSource;
    private final RestoreConfig config;

    public PitrSlots(AgroalDataSource dataSource, RestoreConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /** A held slot; closing it frees the slot. */
    public static final class Slot implements AutoCloseable {
        private final Connection connection;
        private final String key;

        private Slot(Connection connection, String key) {
            this.connection = connection;
            this.key = key;
        }

        @Override
        public void close() {
            try (Connection c = connection;
                    PreparedStatement st = c.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                st.setString(1, key);
                st.execute();
            } catch (SQLException ignored) {
                // The connection is gone, and the session's locks with it.
            }
        }
    }

    /** Waits up to {@code giveUp} for a free slot of {@code hostId}; {@code waiting} runs once if it has to wait. */
    public Slot acquire(String hostId, Runnable waiting, Duration giveUp) throws RestoreFailure {
        long deadline = System.nanoTime() + giveUp.toNanos();
        boolean told = false;
        try {
            Connection c = dataSource.getConnection();
            try {
                while (true) {
                    for (int i = 0; i < config.pitr().maxPerHost(); i++) {
                        String key = "pitr-slot:" + hostId + ":" + i;
                        if (tryLock(c, key)) {
                            return new Slot(c, key);
                        }
                    }
                    if (!told) {
                        waiting.run();
                        told = true;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new RestoreFailure(
                                "no point-in-time recovery slot of host " + hostId + " was free within " + giveUp + " ("
                                        + config.pitr().maxPerHost() + " run at once)");
                    }
                    Thread.sleep(1000);
                }
            } catch (InterruptedException e) {
                c.close();
                Thread.currentThread().interrupt();
                throw new RestoreFailure("interrupted while waiting for a recovery slot");
            } catch (RestoreFailure | SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new RestoreFailure("the control database did not answer: " + e.getMessage());
        }
    }

    private static boolean tryLock(Connection c, String key) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?))")) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
