package dev.capydb.restore.service;

import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestorePhase;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/** Records where a running restore is, its phase and the bytes loaded so far, for {@code GET …/restores/{id}}. */
@ApplicationScoped
public class RestoreProgress {

    private static final Logger LOG = Logger.getLogger(RestoreProgress.class);

    private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "restore-progress");
        t.setDaemon(true);
        return t;
    });

    private final AgroalDataSource dataSource;

    public RestoreProgress(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Moves a restore to {@code phase}, in a transaction of its own. */
    public void phase(UUID id, RestorePhase phase) {
        QuarkusTransaction.requiringNew().run(() -> {
            Restore row = Restore.findById(id);
            row.phase = phase;
        });
    }

    /**
     * Writes {@code bytes} to the restore's {@code bytes_done} every half second until closed, so
     * {@code GET …/restores/{id}} shows a load's progress, not only its total.
     */
    public Ticker track(UUID id, AtomicLong bytes) {
        ScheduledFuture<?> ticks =
                TICKER.scheduleWithFixedDelay(() -> recordBytes(id, bytes.get()), 500, 500, TimeUnit.MILLISECONDS);
        return () -> ticks.cancel(false);
    }

    /** A running progress record; closing it stops the writes. */
    @FunctionalInterface
    public interface Ticker extends AutoCloseable {
        @Override
        void close();
    }

    private void recordBytes(UUID id, long bytes) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st =
                        c.prepareStatement("UPDATE restore SET bytes_done = ? WHERE id = ? AND status = 'RUNNING'")) {
            st.setLong(1, bytes);
            st.setObject(2, id);
            st.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            // Progress is a courtesy: a missed update is followed by the next one, or by the final total.
            LOG.debugf("cannot record the progress of restore %s: %s", id, e.getMessage());
        }
    }
}
