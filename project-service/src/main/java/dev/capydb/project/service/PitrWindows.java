package dev.capydb.project.service;

import dev.capydb.chassis.threading.BlockingWork;
import dev.capydb.dataplane.DatabaseHost;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The point-in-time window shown on a project: from the end of the oldest live base backup of its host
 * (base_backup.completed, until base_backup.expired) to the newest WAL the host archived ({@code pg_stat_archiver});
 * null ends while unknown.
 */
@ApplicationScoped
public class PitrWindows {

    /** [earliest, latest]. */
    public record Window(Instant earliest, Instant latest) {}

    private final Pool pool;
    private final BlockingWork blocking;

    public PitrWindows(Pool pool, BlockingWork blocking) {
        this.pool = pool;
        this.blocking = blocking;
    }

    /** In the caller's reactive transaction. */
    public Uni<Void> baseBackupSeen(UUID id, String hostId, Instant start, Instant end) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("INSERT INTO base_backup_seen (id, host_id, start_time, end_time)"
                                + " VALUES (:id, :host, :start, :end) ON CONFLICT (id) DO NOTHING")
                        .setParameter("id", id)
                        .setParameter("host", hostId)
                        .setParameter("start", start)
                        .setParameter("end", end)
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** In the caller's reactive transaction. */
    public Uni<Void> baseBackupExpired(UUID id) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                "UPDATE base_backup_seen SET expired_at = now() WHERE id = :id AND expired_at IS NULL")
                        .setParameter("id", id)
                        .executeUpdate())
                .replaceWithVoid();
    }

    public Uni<Window> of(DatabaseHost host) {
        return pool.preparedQuery("SELECT min(coalesce(end_time, start_time)) FROM base_backup_seen"
                        + " WHERE host_id = $1 AND expired_at IS NULL")
                .execute(Tuple.of(host.id()))
                .map(rows -> {
                    OffsetDateTime t = rows.iterator().next().getOffsetDateTime(0);
                    return t == null ? null : t.toInstant();
                })
                .chain(earliest -> earliest == null
                        ? Uni.createFrom().item(new Window(null, null))
                        // The host is a data-plane server, reached over JDBC on the blocking pool.
                        : blocking.call(() -> new Window(earliest, lastArchived(host))));
    }

    /** When the host last archived WAL; null while unknown or when the host is down (the window shows what is known). */
    private static Instant lastArchived(DatabaseHost host) {
        try (Connection c = host.maintenanceConnection();
                PreparedStatement st = c.prepareStatement("SELECT last_archived_time FROM pg_stat_archiver");
                ResultSet rs = st.executeQuery()) {
            rs.next();
            Timestamp t = rs.getTimestamp(1);
            return t == null ? null : t.toInstant();
        } catch (SQLException e) {
            return null;
        }
    }
}
