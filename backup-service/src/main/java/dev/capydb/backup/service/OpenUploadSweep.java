package dev.capydb.backup.service;

import dev.capydb.backup.config.BackupConfig;
import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupStatus;
import dev.capydb.backup.repository.BaseBackup;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.ObjectStore.OpenUpload;
import dev.capydb.dataplane.StorageConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Aborts multipart uploads that no backup is writing any more. A backup whose worker was killed mid-upload, or whose
 * storage was down when it failed, could not abort its own: the parts would stay in the bucket, billed and never
 * shown as an object, for ever.
 */
@ApplicationScoped
public class OpenUploadSweep {

    private static final Logger LOG = Logger.getLogger(OpenUploadSweep.class);

    private final ObjectStore store;
    private final StorageConfig storage;
    private final BackupConfig config;

    public OpenUploadSweep(ObjectStore store, StorageConfig storage, BackupConfig config) {
        this.store = store;
        this.storage = storage;
        this.config = config;
    }

    @Scheduled(
            every = "${capydb.backups.sweep-every:10m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "${capydb.backups.sweep-every:10m}")
    void tick() {
        if (config.schedulersEnabled()) {
            sweep();
        }
    }

    /** One pass over the backups and WAL buckets; returns how many uploads were aborted. */
    public int sweep() {
        return sweep(config.sweepMinAge());
    }

    /** One pass that leaves uploads younger than {@code minAge} alone. */
    public int sweep(Duration minAge) {
        // Listed before the running jobs are read: an upload a job began after the listing is not seen, and one it
        // began before belongs to a job that is still running when read, or has ended.
        List<OpenUpload> open = new ArrayList<>();
        for (String bucket : List.of(storage.backupsBucket(), storage.walBucket())) {
            try {
                open.addAll(store.openUploads(bucket));
            } catch (RuntimeException e) {
                LOG.warnf("cannot list open uploads in %s yet: %s", bucket, e.getMessage());
            }
        }
        if (open.isEmpty()) {
            return 0;
        }
        Set<String> writing = QuarkusTransaction.requiringNew().call(OpenUploadSweep::keysBeingWritten);
        int aborted = 0;
        Instant youngest = Instant.now().minus(minAge);
        for (OpenUpload u : open) {
            if (writing.contains(u.key())
                    || (u.initiated() != null && u.initiated().isAfter(youngest))) {
                continue;
            }
            try {
                store.abort(u);
                aborted++;
                LOG.infof(
                        "aborted the open upload of %s/%s (begun %s): no backup writes it any more",
                        u.bucket(), u.key(), u.initiated());
            } catch (RuntimeException e) {
                LOG.warnf("cannot abort the open upload of %s/%s yet: %s", u.bucket(), u.key(), e.getMessage());
            }
        }
        return aborted;
    }

    private static Set<String> keysBeingWritten() {
        Set<String> keys = new HashSet<>();
        Backup.<Backup>list("status in ?1", List.of(BackupStatus.PENDING, BackupStatus.RUNNING))
                .forEach(b -> keys.add(b.backupKey));
        BaseBackup.<BaseBackup>list("status = 'running'").forEach(b -> keys.add(b.objectKey));
        return keys;
    }
}
