package dev.capydb.backup;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.backup.repository.Backup;
import dev.capydb.backup.repository.BackupKind;
import dev.capydb.backup.repository.BackupStatus;
import dev.capydb.backup.service.OpenUploadSweep;
import dev.capydb.dataplane.ObjectStore;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** Multipart uploads left open by backups that ended without aborting them are aborted; a running one's are not. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class OpenUploadSweepTest {

    private static final String BUCKET = "capydb-backups";

    @Inject
    ObjectStore store;

    @Inject
    OpenUploadSweep sweep;

    @Test
    void anUploadNoBackupWritesIsAbortedAndARunningBackupsIsKept() {
        Backup failed = backup(BackupStatus.FAILED);
        Backup running = backup(BackupStatus.RUNNING);
        String orphan = "projects/" + UUID.randomUUID() + "/backups/" + UUID.randomUUID() + ".dump";
        for (String key : new String[] {failed.backupKey, running.backupKey, orphan}) {
            openUpload(key);
        }
        assertTrue(openKeys().containsAll(Set.of(failed.backupKey, running.backupKey, orphan)));

        sweep.sweep();
        assertTrue(
                openKeys().containsAll(Set.of(failed.backupKey, running.backupKey, orphan)),
                "uploads begun moments ago may be another writer's work in progress: kept for an hour");

        int aborted = sweep.sweep(Duration.ZERO);

        Set<String> left = openKeys();
        assertFalse(left.contains(failed.backupKey), "a failed backup's upload is aborted");
        assertFalse(left.contains(orphan), "an upload no backup owns is aborted");
        assertTrue(left.contains(running.backupKey), "a running backup's upload is left alone");
        assertTrue(aborted >= 2, "aborted " + aborted);
        store.openUploads(BUCKET).stream()
                .filter(u -> u.key().equals(running.backupKey))
                .forEach(store::abort);
        QuarkusTransaction.requiringNew()
                .run(() -> Backup.delete("id in ?1", java.util.List.of(failed.id, running.id)));
    }

    private Set<String> openKeys() {
        return store.openUploads(BUCKET).stream()
                .map(ObjectStore.OpenUpload::key)
                .collect(Collectors.toSet());
    }

    /** A multipart upload begun with one part and then left: what a killed or cut-off backup leaves. */
    private void openUpload(String key) {
        var s3 = store.client();
        String id = s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
        s3.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(id).partNumber(1), RequestBody.fromString("part"));
    }

    private static Backup backup(BackupStatus status) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Backup b = new Backup();
            b.id = UUID.randomUUID();
            b.projectId = UUID.randomUUID();
            b.orgId = "org-test";
            b.label = "sweep";
            b.kind = BackupKind.MANUAL;
            b.status = status;
            b.createdAt = Instant.now();
            b.backupKey = "projects/" + b.projectId + "/backups/" + b.id + ".dump";
            b.persist();
            return b;
        });
    }
}
