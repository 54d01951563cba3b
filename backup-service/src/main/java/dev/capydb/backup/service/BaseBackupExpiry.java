package dev.capydb.backup.service;

import dev.capydb.backup.config.BackupConfig;
import dev.capydb.backup.messaging.BackupEvents;
import dev.capydb.backup.repository.BaseBackup;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.pgbackrest.BackupSet;
import dev.capydb.dataplane.pgbackrest.PgBackRest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Base backups leaving the PITR window. pgBackRest expires its own sets (and the WAL only they needed) after each
 * backup; this records which sets are gone and announces them ({@code base_backup.expired}) so no restore starts from
 * one. Base backups made before pgBackRest (one object each, with their WAL under {@code <host>/}) are deleted here
 * once newer ones reach back to the window's start, keeping the window continuous across the change of engine.
 */
@ApplicationScoped
public class BaseBackupExpiry {

    private static final Logger LOG = Logger.getLogger(BaseBackupExpiry.class);
    private static final Pattern WAL_FILE = Pattern.compile("[0-9A-F]{24}");

    private final PgBackRest pgBackRest;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final BackupEvents events;
    private final BackupConfig config;

    public BaseBackupExpiry(
            PgBackRest pgBackRest, ObjectStore store, StorageConfig storage, BackupEvents events, BackupConfig config) {
        this.pgBackRest = pgBackRest;
        this.store = store;
        this.storage = storage;
        this.events = events;
        this.config = config;
    }

    /** Marks the host's sets pgBackRest no longer holds as pruned and announces them; returns how many. */
    public int syncExpired(DatabaseHost host) {
        Set<String> held = pgBackRest.sets(host).stream().map(BackupSet::label).collect(Collectors.toSet());
        return QuarkusTransaction.requiringNew().call(() -> {
            List<BaseBackup> gone = BaseBackup.<BaseBackup>list(
                            "hostId = ?1 and status = 'completed' and label is not null and prunedAt is null",
                            host.id())
                    .stream()
                    .filter(b -> !held.contains(b.label))
                    .toList();
            for (BaseBackup b : gone) {
                b.prunedAt = Instant.now();
                events.baseBackupExpired(b);
            }
            return gone.size();
        });
    }

    /**
     * Deletes the host's pre-pgBackRest base backups that the window no longer needs: every base backup (of either
     * engine) that ended inside the window is kept, and the newest one before it, which reaches back to the window's
     * start. The old WAL archive is trimmed to what the oldest kept old-style base backup replays, or emptied when
     * none is kept (its history files stay: they are tiny). Returns how many base backups were deleted.
     */
    public int pruneLegacy(DatabaseHost host, Instant now) {
        Instant cutoff = now.minus(config.pitrRetention());
        List<BaseBackup> completed = QuarkusTransaction.requiringNew()
                .call(() -> BaseBackup.<BaseBackup>list(
                        "hostId = ?1 and status = 'completed' and prunedAt is null order by endTime desc", host.id()));
        if (completed.stream().noneMatch(b -> b.objectKey != null)) {
            return 0;
        }
        int keep = 0;
        while (keep < completed.size() && !completed.get(keep).endTime.isBefore(cutoff)) {
            keep++;
        }
        keep = Math.min(completed.size(), keep + 1);
        List<BaseBackup> kept = completed.subList(0, keep);
        List<BaseBackup> old = completed.subList(keep, completed.size()).stream()
                .filter(b -> b.objectKey != null)
                .toList();
        for (BaseBackup b : old) {
            store.delete(storage.walBucket(), b.objectKey);
            QuarkusTransaction.requiringNew().run(() -> {
                BaseBackup row = BaseBackup.findById(b.id);
                row.prunedAt = Instant.now();
                events.baseBackupExpired(row);
            });
        }
        String oldestKeptWal = kept.stream()
                .filter(b -> b.objectKey != null && b.startWalFile != null)
                .reduce((a, b) -> b)
                .map(b -> b.startWalFile)
                .orElse("~"); // "~" sorts after every segment name
        int walDeleted = 0;
        for (S3Object o : store.list(storage.walBucket(), host.id() + "/")) {
            String name = o.key().substring(o.key().lastIndexOf('/') + 1);
            String segment = name.length() >= 24 ? name.substring(0, 24) : "";
            if (WAL_FILE.matcher(segment).matches()
                    && !name.endsWith(".history")
                    && segment.compareTo(oldestKeptWal) < 0) {
                store.delete(storage.walBucket(), o.key());
                walDeleted++;
            }
        }
        if (!old.isEmpty() || walDeleted > 0) {
            LOG.infof(
                    "pruned %d old-style base backups and %d WAL files of %s older than %s",
                    old.size(), walDeleted, host.id(), cutoff);
        }
        return old.size();
    }
}
