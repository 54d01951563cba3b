package dev.capydb.imports.dataplane;

import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Frozen copies of uploaded dumps: when an import is accepted, the upload is copied server-side to
 * {@code accepted/<import id>.dump}, and the worker loads that copy. Upload slots only ever sign keys under
 * {@code projects/<id>/uploads/}, and a presigned URL is bound to its one key, so no client can write a copy.
 */
@ApplicationScoped
public class AcceptedDumps {

    private static final Logger LOG = Logger.getLogger(AcceptedDumps.class);
    static final String PREFIX = "accepted/";
    private static final Pattern KEY =
            Pattern.compile("^" + PREFIX + "([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.dump$");

    private final ObjectStore store;
    private final StorageConfig storage;

    public AcceptedDumps(ObjectStore store, StorageConfig storage) {
        this.store = store;
        this.storage = storage;
    }

    /** One stored version of an upload, as the checks saw it. */
    public record Version(long sizeBytes, String etag) {}

    /** A frozen copy in the bucket, whatever state its import is in. */
    public record Copy(UUID importId, String key, Instant storedAt) {}

    /** The key an import's frozen copy is stored under. */
    public static String keyFor(UUID importId) {
        return PREFIX + importId + ".dump";
    }

    /** The object's current version, or empty when nothing was uploaded. */
    public Optional<Version> version(String uploadKey) {
        return store.head(storage.importsBucket(), uploadKey).map(h -> new Version(h.contentLength(), h.eTag()));
    }

    /**
     * Copies the upload to {@code acceptedKey} only if it is still {@code checked} (CopyObject with
     * {@code x-amz-copy-source-if-match}): false when it was PUT again, or removed, since it was checked. One
     * CopyObject takes up to 5 GB, as much as one presigned PUT can store.
     */
    public boolean copyIfUnchanged(String uploadKey, Version checked, String acceptedKey) {
        try {
            store.client()
                    .copyObject(b -> b.sourceBucket(storage.importsBucket())
                            .sourceKey(uploadKey)
                            .destinationBucket(storage.importsBucket())
                            .destinationKey(acceptedKey)
                            .copySourceIfMatch(checked.etag()));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Every frozen copy the bucket holds. */
    public List<Copy> all() {
        List<Copy> out = new ArrayList<>();
        for (S3Object o : store.list(storage.importsBucket(), PREFIX)) {
            Matcher m = KEY.matcher(o.key());
            if (m.matches()) {
                out.add(new Copy(UUID.fromString(m.group(1)), o.key(), o.lastModified()));
            }
        }
        return out;
    }

    /**
     * Deletes a copy (one already gone is fine); false when storage refused, which is logged and left to
     * {@code Leftovers}' sweep.
     */
    public boolean delete(String acceptedKey) {
        try {
            store.delete(storage.importsBucket(), acceptedKey);
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("cannot delete the accepted dump %s yet: %s", acceptedKey, e.getMessage());
            return false;
        }
    }
}
