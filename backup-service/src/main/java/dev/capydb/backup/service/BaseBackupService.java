package dev.capydb.backup.service;

import dev.capydb.backup.config.BackupConfig;
import dev.capydb.backup.messaging.BackupEvents;
import dev.capydb.backup.repository.BaseBackup;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.pgbackrest.BackupSet;
import dev.capydb.dataplane.pgbackrest.BackupType;
import dev.capydb.dataplane.pgbackrest.PgBackRest;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Physical base backups of PITR hosts with pgBackRest: a full when the host has none or the newest is old, then
 * differentials and incrementals that copy only changed files, so they can run often and keep WAL replay short
 * ({@link BaseBackupSchedule}). Each is announced as {@code base_backup.completed}. WAL reaches the same repository
 * through each host's {@code archive_command} ({@code pgbackrest archive-push}).
 */
@ApplicationScoped
public class BaseBackupService {

    private static final Logger LOG = Logger.getLogger(BaseBackupService.class);
    /** A run still marked running after this long died with its worker: try again. */
    private static final Duration ABANDONED_AFTER = Duration.ofHours(2);

    private final HostRegistry hosts;
    private final PgBackRest pgBackRest;
    private final BackupEvents events;
    private final BackupConfig config;
    private final AgroalDataSource dataSource;
    private final BaseBackupExpiry expiry;
    private final Set<String> stanzasChecked = ConcurrentHashMap.newKeySet();

    public BaseBackupService(
            HostRegistry hosts,
            PgBackRest pgBackRest,
            BackupEvents events,
            BackupConfig config,
            AgroalDataSource dataSource,
            BaseBackupExpiry expiry) {
        this.hosts = hosts;
        this.pgBackRest = pgBackRest;
        this.events = events;
        this.config = config;
        this.dataSource = dataSource;
        this.expiry = expiry;
    }

    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "5s")
    void tick() {
        if (!config.schedulersEnabled()) {
            return;
        }
        for (DatabaseHost host : hosts.all()) {
            if (host.pitr()) {
                try {
                    claimIfDue(host, Instant.now()).ifPresent(id -> take(host, id));
                    expiry.pruneLegacy(host, Instant.now());
                } catch (RuntimeException e) {
                    LOG.warnf("base backups of %s: %s", host.id(), e.getMessage());
                }
            }
        }
    }

    /** Claims the next base backup of a host when one is due (one replica at a time per host). */
    public Optional<UUID> claimIfDue(DatabaseHost host, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (!advisoryLock(host)) {
                return Optional.<UUID>empty();
            }
            Optional<BaseBackup> running = BaseBackup.<BaseBackup>find(
                            "hostId = ?1 and status = 'running' order by startTime desc", host.id())
                    .firstResultOptional();
            if (running.isPresent() && !running.get().startTime.isBefore(now.minus(ABANDONED_AFTER))) {
                return Optional.<UUID>empty();
            }
            Optional<BackupType> due = BaseBackupSchedule.of(config)
                    .due(
                            now,
                            lastEnd(host, "kind = 'FULL'"),
                            lastEnd(host, "kind in ('FULL', 'DIFF')"),
                            lastEnd(host, "kind is not null"));
            if (due.isEmpty()) {
                return Optional.<UUID>empty();
            }
            running.ifPresent(b -> {
                b.status = "failed";
                b.error = "abandoned: the worker stopped";
            });
            BaseBackup b = new BaseBackup();
            b.id = UUID.randomUUID();
            b.hostId = host.id();
            b.status = "running";
            b.kind = due.get();
            b.startTime = now.truncatedTo(ChronoUnit.MICROS);
            b.persist();
            return Optional.of(b.id);
        });
    }

    /** When the newest completed pgBackRest base backup matching {@code kindFilter} ended. */
    private static Optional<Instant> lastEnd(DatabaseHost host, String kindFilter) {
        return BaseBackup.<BaseBackup>find(
                        "hostId = ?1 and status = 'completed' and prunedAt is null and " + kindFilter
                                + " order by endTime desc",
                        host.id())
                .firstResultOptional()
                .map(b -> b.endTime);
    }

    private boolean advisoryLock(DatabaseHost host) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_xact_lock(hashtext(?))")) {
            st.setString(1, "base-backup:" + host.id());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Runs the claimed base backup with pgBackRest and records the set it made. Its end time is taken after pgBackRest
     * returns, which is after the set's consistency point: a restore to any moment from then on can start from it.
     * pgBackRest then expires what the PITR window no longer needs; those sets are announced as expired.
     */
    public BaseBackup take(DatabaseHost host, UUID id) {
        BaseBackup row = QuarkusTransaction.requiringNew().call(() -> BaseBackup.<BaseBackup>findById(id));
        BackupSet set;
        try {
            if (stanzasChecked.add(host.id())) {
                pgBackRest.ensureStanza(host);
            }
            set = pgBackRest.backup(host, row.kind, config.pitrRetention(), config.dumpTimeout());
        } catch (RuntimeException e) {
            stanzasChecked.remove(host.id());
            QuarkusTransaction.requiringNew().run(() -> {
                BaseBackup b = BaseBackup.findById(id);
                b.status = "failed";
                b.error = e.getMessage();
            });
            throw new IllegalStateException("base backup of " + host.id() + " failed: " + e.getMessage(), e);
        }
        Instant end = Instant.now().truncatedTo(ChronoUnit.MICROS);
        BaseBackup done = QuarkusTransaction.requiringNew().call(() -> {
            BaseBackup b = BaseBackup.findById(id);
            b.status = "completed";
            b.label = set.label();
            b.kind = set.type();
            b.startLsn = set.startLsn();
            b.stopLsn = set.stopLsn();
            b.endTime = end;
            b.sizeBytes = set.repoSizeBytes();
            events.baseBackupCompleted(b);
            return b;
        });
        LOG.infof(
                "base backup %s (%s) of %s: %d bytes stored",
                set.label(), set.type().option(), host.id(), set.repoSizeBytes());
        try {
            expiry.syncExpired(host);
        } catch (RuntimeException e) {
            // The set is in the repository and announced; expired ones are announced after the next backup.
            LOG.warnf("cannot tell which base backups of %s expired: %s", host.id(), e.getMessage());
        }
        return done;
    }
}
