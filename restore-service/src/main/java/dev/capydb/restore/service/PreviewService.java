package dev.capydb.restore.service;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.Passwords;
import dev.capydb.events.EventType;
import dev.capydb.restore.config.RestoreConfig;
import dev.capydb.restore.messaging.RestoreEvents;
import dev.capydb.restore.repository.Preview;
import dev.capydb.restore.repository.PreviewStatus;
import dev.capydb.restore.repository.Restore;
import dev.capydb.restore.repository.RestoreStatus;
import dev.capydb.restore.repository.TargetKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Previews: databases with their own role and password on the project's host, dropped when their TTL passes
 * ({@code preview.expiring} an hour ahead, {@code preview.expired} after), exactly once across replicas.
 *
 * <p>Over 300 lines because a preview's whole lifetime, from creation to expiry, is here so its TTL rules are in
 * one place.
 */
@ApplicationScoped
public class PreviewService {

    private static final Logger LOG = Logger.getLogger(PreviewService.class);
    /** A preview's name: also the API document's {@code pattern}. */
    public static final String NAME_PATTERN = "^[a-z0-9-]{1,63}$";
    /** The longest a preview may live, in hours, as the product page states. */
    public static final int MAX_TTL_HOURS = 720;

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

    private final HostRegistry hosts;
    private final DatabaseProvisioner provisioner;
    private final SecretBox secrets;
    private final RestoreEvents events;
    private final RestoreConfig config;

    public PreviewService(
            HostRegistry hosts,
            DatabaseProvisioner provisioner,
            SecretBox secrets,
            RestoreEvents events,
            RestoreConfig config) {
        this.hosts = hosts;
        this.provisioner = provisioner;
        this.secrets = secrets;
        this.events = events;
        this.config = config;
    }

    public void validate(String name, Integer ttlHours) {
        Validation.start()
                .check(
                        name == null || NAME.matcher(name).matches(),
                        "preview_name",
                        "must be 1-63 characters of lower-case letters, digits and '-'")
                .check(
                        ttlHours == null || (ttlHours >= 1 && ttlHours <= MAX_TTL_HOURS),
                        "ttl_hours",
                        "must be 1-" + MAX_TTL_HOURS)
                .orThrow();
    }

    /** A preview row in {@code creating}, in the caller's transaction; its database is made by the worker. */
    public Preview plan(ProjectView project, String name, int ttlHours) {
        Preview p = new Preview();
        p.id = UUID.randomUUID();
        p.projectId = project.projectId();
        p.orgId = project.orgId();
        p.name = name;
        p.hostId = project.hostId();
        p.databaseName = "pv_" + p.id.toString().replace("-", "");
        p.roleName = p.databaseName;
        p.passwordSealed = secrets.seal(Passwords.generate(), Preview.PASSWORD.aad(p.id));
        p.status = PreviewStatus.CREATING;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        p.expiresAt = now.plus(Duration.ofHours(ttlHours));
        p.createdAt = now;
        p.updatedAt = now;
        p.persist();
        return p;
    }

    /** Creates the preview's database and role on its host (dropping leftovers of an earlier attempt first). */
    public void provision(Preview p) throws SQLException {
        var host = hosts.host(p.hostId);
        provisioner.recreate(host, p.databaseName, p.roleName, password(p));
    }

    public String password(Preview p) {
        return secrets.open(p.passwordSealed, Preview.PASSWORD.aad(p.id));
    }

    public Page<Preview> list(UUID projectId, String cursor, Integer limit) {
        Keyset k = Keyset.of(cursor, limit);
        return QuarkusTransaction.requiringNew()
                .call(() -> k.page(
                        Preview.<Preview>find(
                                        k.query("projectId = :project and status in (:live)"),
                                        k.params(Map.of(
                                                "project",
                                                projectId,
                                                "live",
                                                List.of(
                                                        PreviewStatus.CREATING,
                                                        PreviewStatus.READY,
                                                        PreviewStatus.FAILED))))
                                .page(0, k.fetch())
                                .list(),
                        p -> new Cursor(p.createdAt, p.id)));
    }

    public Preview get(UUID projectId, UUID previewId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Preview.<Preview>findByIdOptional(previewId)
                        .filter(p -> p.projectId.equals(projectId)
                                && p.status != PreviewStatus.DELETED
                                && p.status != PreviewStatus.EXPIRED)
                        .orElseThrow(() -> ApiException.notFound("preview " + previewId)));
    }

    /** Extends the TTL from now. */
    public Preview extend(UUID projectId, UUID previewId, Integer ttlHours) {
        Validation.start()
                .check(
                        ttlHours != null && ttlHours >= 1 && ttlHours <= MAX_TTL_HOURS,
                        "ttl_hours",
                        "must be 1-" + MAX_TTL_HOURS)
                .orThrow();
        get(projectId, previewId);
        return QuarkusTransaction.requiringNew().call(() -> {
            Preview p = Preview.findById(previewId);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            p.expiresAt = now.plus(Duration.ofHours(ttlHours));
            p.expiringNotified = false;
            p.updatedAt = now;
            if (p.status == PreviewStatus.READY) {
                // Re-announced with the new expiry so read models (cutover-service) stop treating it as expiring.
                events.preview(EventType.PREVIEW_READY, p);
            }
            return p;
        });
    }

    /** Drops the preview's database and role; refused while a restore writes into it or copies it (a cutover). */
    public void delete(UUID projectId, UUID previewId) {
        Preview p = get(projectId, previewId);
        if (inUse(p.id)) {
            throw ApiException.conflict(
                    "preview_busy",
                    "a restore into this preview, or a cutover copying it, is running; wait for it to end");
        }
        // Announced as gone (status deleted) so nothing goes on relying on the preview's database.
        drop(p, PreviewStatus.DELETED, EventType.PREVIEW_EXPIRED);
    }

    @Scheduled(
            every = "${capydb.restores.sweep-every:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "20s")
    void tick() {
        if (config.reaperEnabled()) {
            reap(Instant.now());
            dropAbandoned();
        }
    }

    /**
     * A restore into a new preview that failed while its host was unreachable (restarted, say) could not drop the
     * half-made database. It is dropped here once the host answers again, and the preview is marked failed; a host
     * that still cannot drop it is tried again on the next tick.
     *
     * @return how many were dropped
     */
    public int dropAbandoned() {
        String abandoned = "SELECT * FROM preview WHERE status = 'CREATING' AND NOT EXISTS (SELECT 1 FROM restore r"
                + " WHERE r.preview_id = preview.id AND r.status IN ('PENDING', 'RUNNING'))";
        @SuppressWarnings("unchecked")
        List<UUID> ids = QuarkusTransaction.requiringNew()
                .call(() -> ((List<Preview>) Preview.getEntityManager()
                                .createNativeQuery(abandoned, Preview.class)
                                .getResultList())
                        .stream().map(p -> p.id).toList());
        int dropped = 0;
        for (UUID id : ids) {
            try {
                boolean done = QuarkusTransaction.requiringNew().call(() -> {
                    @SuppressWarnings("unchecked")
                    List<Preview> still = Preview.getEntityManager()
                            .createNativeQuery(abandoned + " AND id = ?1 FOR UPDATE SKIP LOCKED", Preview.class)
                            .setParameter(1, id)
                            .getResultList();
                    if (still.isEmpty()) {
                        return false;
                    }
                    Preview p = still.get(0);
                    dropDatabase(p);
                    p.status = p.status.moveTo(PreviewStatus.FAILED);
                    p.updatedAt = Instant.now();
                    return true;
                });
                if (done) {
                    LOG.infof("preview %s: its restore failed and left a half-made database; dropped", id);
                    dropped++;
                }
            } catch (RuntimeException e) {
                LOG.warnf("preview %s: cannot drop its half-made database yet: %s", id, e.getMessage());
            }
        }
        return dropped;
    }

    /** Announces previews about to expire and drops expired ones; returns how many were dropped. */
    public int reap(Instant now) {
        List<UUID> expiring = QuarkusTransaction.requiringNew()
                .call(() -> Preview.<Preview>list(
                                "status = ?1 and expiringNotified = false and expiresAt <= ?2",
                                PreviewStatus.READY,
                                now.plus(config.expiringNotice()))
                        .stream()
                        .map(p -> p.id)
                        .toList());
        for (UUID id : expiring) {
            QuarkusTransaction.requiringNew().run(() -> {
                Preview p = Preview.findById(id, LockModeType.PESSIMISTIC_WRITE);
                if (!p.expiringNotified && p.status == PreviewStatus.READY) {
                    p.expiringNotified = true;
                    events.preview(EventType.PREVIEW_EXPIRING, p);
                }
            });
        }
        int dropped = 0;
        while (true) {
            // Claimed with SKIP LOCKED: with several replicas each expired preview is dropped once.
            Preview claimed = QuarkusTransaction.requiringNew().call(() -> {
                @SuppressWarnings("unchecked")
                List<Preview> due = Preview.getEntityManager()
                        .createNativeQuery(
                                "SELECT * FROM preview WHERE status = 'READY' AND expires_at <= ?1 "
                                        + "AND NOT EXISTS (SELECT 1 FROM restore r WHERE r.preview_id = preview.id "
                                        + "AND r.status IN ('PENDING', 'RUNNING')) ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED",
                                Preview.class)
                        .setParameter(1, now)
                        .getResultList();
                if (due.isEmpty()) {
                    return null;
                }
                Preview p = due.get(0);
                dropDatabase(p);
                p.status = p.status.moveTo(PreviewStatus.EXPIRED);
                p.updatedAt = Instant.now();
                events.preview(EventType.PREVIEW_EXPIRED, p);
                return p;
            });
            if (claimed == null) {
                return dropped;
            }
            LOG.infof(
                    "preview %s (%s) of project %s expired and was dropped",
                    claimed.id, claimed.name, claimed.projectId);
            dropped++;
        }
    }

    /** Marks the preview with {@code status} after dropping its database (failed previews keep their row). */
    public void drop(Preview preview, PreviewStatus status, EventType event) {
        // The host's DROP (idempotent) runs before, not inside, the control-plane transaction: a host that is slow to
        // drop must not hold the row lock nor outlive the transaction timeout, which would lose the bookkeeping.
        dropDatabase(preview);
        QuarkusTransaction.requiringNew().run(() -> {
            Preview p = Preview.findById(preview.id, LockModeType.PESSIMISTIC_WRITE);
            if (p.status == status) {
                return;
            }
            p.status = p.status.moveTo(status);
            p.updatedAt = Instant.now();
            if (event != null) {
                events.preview(event, p);
            }
        });
    }

    private void dropDatabase(Preview p) {
        try {
            provisioner.drop(hosts.host(p.hostId), p.databaseName, p.roleName);
        } catch (SQLException e) {
            throw new ApiException(503, "host_unavailable", "the database host could not drop the preview; try again");
        }
    }

    private boolean inUse(UUID previewId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Restore.count(
                                "previewId = ?1 and status in ?2 and targetKind <> ?3",
                                previewId,
                                List.of(RestoreStatus.PENDING, RestoreStatus.RUNNING),
                                TargetKind.NEW_PREVIEW)
                        > 0);
    }
}
