package dev.capydb.backup.service;

import dev.capydb.backup.config.BackupConfig;
import dev.capydb.backup.messaging.BackupEvents;
import dev.capydb.backup.repository.BaseBackup;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.StoredObject;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Physical base backups of PITR hosts ({@code pg_basebackup}, tar, gzip, streamed to object storage), taken when a
 * host has none or the newest is older than the interval, and announced as {@code base_backup.completed}. WAL
 * reaches storage through each host's {@code archive_command}; base backups and WAL older than the PITR retention
 * are pruned, always keeping the newest base backup and everything after it.
 */
@ApplicationScoped
public class BaseBackupService {

    private static final Logger LOG = Logger.getLogger(BaseBackupService.class);
    /** From the backup history file PostgreSQL archives when a base backup ends. */
    private static final Pattern START = Pattern.compile("START WAL LOCATION: ([0-9A-F]+/[0-9A-F]+) \\(file ([0-9A-F]{24})\\)");
    private static final Pattern WAL_FILE = Pattern.compile("[0-9A-F]{24}");

    private final HostRegistry hosts;
    private final ToolRunner tools;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final BackupEvents events;
    private final BackupConfig config;
    private final AgroalDataSource dataSource;

    public BaseBackupService(HostRegistry hosts, ToolRunner tools, ObjectStore store, StorageConfig storage,
                             BackupEvents events, BackupConfig config, AgroalDataSource dataSource) {
        this.hosts = hosts;
        this.tools = tools;
        this.store = store;
        this.storage = storage;
        this.events = events;
        this.config = config;
        this.dataSource = dataSource;
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
                    prune(host, Instant.now());
                } catch (RuntimeException e) {
                    LOG.warnf("base backups of %s: %s", host.id(), e.getMessage());
                }
            }
        }
    }

    /** Claims the next base backup of a host when it is due (one replica at a time per host). */
    public Optional<UUID> claimIfDue(DatabaseHost host, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = dataSource.getConnection()) {
                try (PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_xact_lock(hashtext(?))")) {
                    st.setString(1, "base-backup:" + host.id());
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            return Optional.<UUID>empty();
                        }
                    }
                }
                Optional<BaseBackup> newest = BaseBackup.<BaseBackup>find(
                        "hostId = ?1 and status in ('running', 'completed') order by startTime desc", host.id())
                        .firstResultOptional();
                boolean due = newest.map(b -> "running".equals(b.status)
                        ? b.startTime.isBefore(now.minus(Duration.ofHours(2)))   // a crashed run: try again
                        : b.startTime.isBefore(now.minus(config.baseBackupInterval()))).orElse(true);
                if (!due) {
                    return Optional.<UUID>empty();
                }
                newest.filter(b -> "running".equals(b.status)).ifPresent(b -> {
                    b.status = "failed";
                    b.error = "abandoned: the worker stopped";
                });
                BaseBackup b = new BaseBackup();
                b.id = UUID.randomUUID();
                b.hostId = host.id();
                b.status = "running";
                b.startTime = now.truncatedTo(ChronoUnit.MICROS);
                b.objectKey = "base/" + host.id() + "/" + b.id + "/base.tar.gz";
                b.persist();
                return Optional.of(b.id);
            }
        });
    }

    /** Streams a base backup of the host into storage and records it. */
    public BaseBackup take(DatabaseHost host, UUID id) {
        BaseBackup row = QuarkusTransaction.requiringNew().call(() -> BaseBackup.<BaseBackup>findById(id));
        AtomicReference<StoredObject> uploaded = new AtomicReference<>();
        String label = "capydb-" + id;
        ToolResult result = tools.run(ToolInvocation.of("pg_basebackup")
                .args("--pgdata=-", "--format=tar", "--gzip", "--wal-method=none", "--checkpoint=fast",
                        "--label=" + label)
                .env(host.adminToolEnv())
                .stdout(out -> uploaded.set(store.upload(storage.walBucket(), row.objectKey, out)))
                .timeout(config.dumpTimeout())
                .build());
        Optional<Matcher> start = result.succeeded() ? historyFile(host, label) : Optional.empty();
        if (start.isEmpty()) {
            try {
                store.delete(storage.walBucket(), row.objectKey);
            } catch (RuntimeException ignored) {
                // Nothing references the key of a failed base backup.
            }
            String error = result.succeeded() ? "the backup history file of " + label + " never reached the WAL archive"
                    : result.describeFailure("pg_basebackup");
            QuarkusTransaction.requiringNew().run(() -> {
                BaseBackup b = BaseBackup.findById(id);
                b.status = "failed";
                b.error = error;
            });
            throw new IllegalStateException("base backup of " + host.id() + " failed: " + error);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            BaseBackup b = BaseBackup.findById(id);
            b.status = "completed";
            b.startLsn = start.get().group(1);
            b.startWalFile = start.get().group(2);
            b.endTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
            b.sizeBytes = uploaded.get().sizeBytes();
            events.baseBackupCompleted(b);
            return b;
        });
    }

    /**
     * Finds the archived backup history file ({@code <segment>.<offset>.backup}) of the base backup with this
     * label and reads its start location. It is archived right after the backup ends, so wait a little for it.
     */
    private Optional<Matcher> historyFile(DatabaseHost host, String label) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<S3Object> histories = store.list(storage.walBucket(), host.id() + "/").stream()
                    .filter(o -> o.key().endsWith(".backup"))
                    .sorted(java.util.Comparator.comparing(S3Object::lastModified).reversed())
                    .toList();
            for (S3Object o : histories) {
                try (var in = store.open(storage.walBucket(), o.key())) {
                    String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    Matcher m = START.matcher(text);
                    if (text.contains("LABEL: " + label + "\n") && m.find()) {
                        return Optional.of(m);
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    LOG.debugf("cannot read %s: %s", o.key(), e.getMessage());
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** Deletes base backups (and the WAL before the oldest kept one) that are older than the PITR retention. */
    public int prune(DatabaseHost host, Instant now) {
        Instant cutoff = now.minus(config.pitrRetention());
        List<BaseBackup> completed = QuarkusTransaction.requiringNew().call(() -> BaseBackup.<BaseBackup>list(
                "hostId = ?1 and status = 'completed' and prunedAt is null order by startTime desc", host.id()));
        if (completed.isEmpty()) {
            return 0;
        }
        // Keep every base backup inside the window, and the newest one before it (it reaches back to the cutoff).
        int keep = 0;
        while (keep < completed.size() && !completed.get(keep).startTime.isBefore(cutoff)) {
            keep++;
        }
        keep = Math.min(completed.size(), keep + 1);
        List<BaseBackup> old = completed.subList(keep, completed.size());
        for (BaseBackup b : old) {
            store.delete(storage.walBucket(), b.objectKey);
            QuarkusTransaction.requiringNew().run(() -> {
                BaseBackup row = BaseBackup.findById(b.id);
                row.prunedAt = Instant.now();
            });
        }
        String oldestKeptWal = completed.get(keep - 1).startWalFile;
        int walDeleted = 0;
        if (oldestKeptWal != null) {
            for (S3Object o : store.list(storage.walBucket(), host.id() + "/")) {
                String name = o.key().substring(o.key().lastIndexOf('/') + 1);
                String segment = name.length() >= 24 ? name.substring(0, 24) : "";
                // History files are tiny and needed by every later timeline: keep them.
                if (WAL_FILE.matcher(segment).matches() && !name.endsWith(".history") && segment.compareTo(oldestKeptWal) < 0) {
                    store.delete(storage.walBucket(), o.key());
                    walDeleted++;
                }
            }
        }
        if (!old.isEmpty() || walDeleted > 0) {
            LOG.infof("pruned %d base backups and %d WAL files of %s older than %s", old.size(), walDeleted, host.id(), cutoff);
        }
        return old.size();
    }

}
