package dev.capydb.dataplane;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Streams objects to and from S3-compatible storage: uploads read an {@link InputStream} to its end (one PUT when it
 * is small, multipart parts otherwise) while computing SHA-256 and size (no temp file, bounded memory); a failed
 * upload is aborted so no partial object ever becomes visible.
 *
 * <p>Over 300 lines because upload (one PUT, or parts with abort), download and size share one client and its error
 * mapping.
 */
@Singleton
public class ObjectStore implements AutoCloseable {

    /** {@code capydb_bytes_moved_total{direction}}: bytes stored (backups, base backups) and read back (restores, imports). */
    static final String BYTES_MOVED = "capydb.bytes.moved";
    // The global registry, not an injected one: tests also build stores by hand; Quarkus adds its registry to it.
    private static final Counter UPLOADED = Counter.builder(BYTES_MOVED)
            .tag("direction", "upload")
            .description("Bytes streamed to or from object storage")
            .register(Metrics.globalRegistry);
    private static final Counter DOWNLOADED = Counter.builder(BYTES_MOVED)
            .tag("direction", "download")
            .description("Bytes streamed to or from object storage")
            .register(Metrics.globalRegistry);

    private final S3Client s3;
    private final int singlePutMax;
    private final int partSize;
    private final int partsInFlight;
    private final ExecutorService uploaders = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "capydb-s3-part");
        t.setDaemon(true);
        return t;
    });

    /** The store over {@code s3}, which stays its maker's to close (the extension's client, or a test's). */
    @Inject
    public ObjectStore(S3Client s3, StorageConfig config) {
        this(s3, config.singlePutMaxBytes(), config.partSizeBytes(), config.partsInFlight());
    }

    ObjectStore(S3Client s3, int singlePutMax, int partSize, int partsInFlight) {
        if (partSize < 5 * 1024 * 1024 || singlePutMax < 5 * 1024 * 1024) {
            throw new IllegalArgumentException("multipart parts (and so the single-PUT limit) must be at least 5 MiB");
        }
        this.s3 = s3;
        this.singlePutMax = singlePutMax;
        this.partSize = partSize;
        this.partsInFlight = Math.max(1, partsInFlight);
    }

    public S3Client client() {
        return s3;
    }

    /** Uploads everything {@code stream} yields; on any failure the multipart upload is aborted and the error rethrown. */
    public StoredObject upload(String bucket, String key, InputStream stream) throws IOException {
        MessageDigest sha = sha256();
        // Hashed as it is read, while the producer is still writing, rather than all at once after its last byte.
        InputStream in = new DigestInputStream(stream, sha);
        byte[] first = in.readNBytes(singlePutMax);
        if (first.length < singlePutMax) {
            // The stream ended under the limit: one PUT (see StorageConfig#singlePutMaxBytes).
            s3.putObject(b -> b.bucket(bucket).key(key).contentLength((long) first.length), body(first));
            UPLOADED.increment(first.length);
            return new StoredObject(bucket, key, first.length, HexFormat.of().formatHex(sha.digest()));
        }
        return uploadParts(bucket, key, first, in, sha);
    }

    /** Multipart: {@code first} (a full {@code singlePutMax} bytes) is part 1, the rest follows in {@code partSize} parts. */
    private StoredObject uploadParts(String bucket, String key, byte[] first, InputStream in, MessageDigest sha)
            throws IOException {
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        List<Future<CompletedPart>> parts = new ArrayList<>();
        Semaphore slots = new Semaphore(partsInFlight);
        long size = 0;
        try {
            int partNumber = 0;
            while (true) {
                byte[] buffer = partNumber == 0 ? first : in.readNBytes(partSize);
                if (buffer.length == 0 && partNumber > 0) {
                    break;
                }
                size += buffer.length;
                int number = ++partNumber;
                slots.acquire();
                parts.add(uploaders.submit(() -> {
                    try {
                        String etag = s3.uploadPart(
                                        b -> b.bucket(bucket)
                                                .key(key)
                                                .uploadId(uploadId)
                                                .partNumber(number)
                                                .contentLength((long) buffer.length),
                                        body(buffer))
                                .eTag();
                        UPLOADED.increment(buffer.length);
                        return CompletedPart.builder()
                                .partNumber(number)
                                .eTag(etag)
                                .build();
                    } finally {
                        slots.release();
                    }
                }));
                if (partNumber > 1 && buffer.length < partSize) { // a short part after the first one is the last
                    break;
                }
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (Future<CompletedPart> part : parts) {
                completed.add(part.get());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket)
                    .key(key)
                    .uploadId(uploadId)
                    .multipartUpload(
                            CompletedMultipartUpload.builder().parts(completed).build()));
            return new StoredObject(bucket, key, size, HexFormat.of().formatHex(sha.digest()));
        } catch (Exception e) {
            parts.forEach(p -> p.cancel(true));
            abortQuietly(bucket, key, uploadId);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IOException io
                    ? io
                    : new IOException("upload of " + key + " failed: " + rootMessage(e), e);
        }
    }

    /** The bytes as a request body without the copy {@code RequestBody.fromBytes} makes: they are not changed after. */
    private static RequestBody body(byte[] bytes) {
        return RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(bytes), bytes.length, "application/octet-stream");
    }

    /** Opens the object for streaming; the caller closes the stream. */
    public InputStream open(String bucket, String key) {
        return new Counting(s3.getObject(b -> b.bucket(bucket).key(key)));
    }

    /** Counts the bytes a caller actually reads, as they are read (a long restore shows progress while it runs). */
    private static final class Counting extends FilterInputStream {
        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                DOWNLOADED.increment();
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                DOWNLOADED.increment(n);
            }
            return n;
        }
    }

    /** The object's size, or empty when it does not exist. */
    public Optional<Long> size(String bucket, String key) {
        return head(bucket, key).map(HeadObjectResponse::contentLength);
    }

    /** The object's metadata (size, ETag…), or empty when it does not exist. */
    public Optional<HeadObjectResponse> head(String bucket, String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Reads the whole object and returns the SHA-256 of its bytes (hex). */
    public String sha256Of(String bucket, String key) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = open(bucket, key)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Deletes the object; deleting a missing object is fine. */
    public void delete(String bucket, String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    public List<S3Object> list(String bucket, String prefix) {
        List<S3Object> out = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))
                .contents()
                .forEach(out::add);
        return out;
    }

    /** A multipart upload the bucket still holds open: never completed, never aborted. */
    public record OpenUpload(String bucket, String key, String uploadId, Instant initiated) {}

    /** The bucket's open multipart uploads: parts stored and billed that no object shows. */
    public List<OpenUpload> openUploads(String bucket) {
        List<OpenUpload> out = new ArrayList<>();
        s3.listMultipartUploadsPaginator(b -> b.bucket(bucket))
                .uploads()
                .forEach(u -> out.add(new OpenUpload(bucket, u.key(), u.uploadId(), u.initiated())));
        return out;
    }

    /** Aborts an open multipart upload, dropping its parts; aborting one already gone is fine. */
    public void abort(OpenUpload upload) {
        try {
            s3.abortMultipartUpload(
                    b -> b.bucket(upload.bucket()).key(upload.key()).uploadId(upload.uploadId()));
        } catch (software.amazon.awssdk.services.s3.model.NoSuchUploadException gone) {
            // Completed or aborted meanwhile.
        }
    }

    private void abortQuietly(String bucket, String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException ignored) {
            // Storage may be down; an unfinished multipart upload is never visible as an object.
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Stops the part uploaders; the client is left open for whoever made it. */
    @Override
    @PreDestroy
    public void close() {
        uploaders.shutdownNow();
    }
}
