package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** Streaming uploads against the local S3 server: checksums, sizes, multipart, and no object after a failure. */
class ObjectStoreTest {

    /**
     * The local s3proxy as the services reach it (dev/env.sh, quarkus.s3.* in microprofile-config.properties); the
     * only S3 client built by hand, as tests outside Quarkus have no extension to build it.
     */
    static final S3Client S3 = S3Client.builder()
            .endpointOverride(URI.create(
                    TestHosts.env("CAPYDB_S3_ENDPOINT", "http://127.0.0.1:" + TestHosts.env("CAPYDB_S3_PORT", "9000"))))
            .region(Region.of(TestHosts.env("CAPYDB_S3_REGION", "us-east-1")))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    TestHosts.env("CAPYDB_S3_ACCESS_KEY", "capydb"),
                    TestHosts.env("CAPYDB_S3_SECRET_KEY", "capydb-secret"))))
            .serviceConfiguration(S3Configuration.builder()
                    .pathStyleAccessEnabled(true)
                    .checksumValidationEnabled(false)
                    .build())
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();

    static final StorageConfig CONFIG = new StorageConfig() {
        public String backupsBucket() {
            return "capydb-backups";
        }

        public String walBucket() {
            return "capydb-wal";
        }

        public String importsBucket() {
            return "capydb-imports";
        }

        public int singlePutMaxBytes() {
            return 6 * 1024 * 1024;
        }

        public int partSizeBytes() {
            return 5 * 1024 * 1024;
        }

        public int partsInFlight() {
            return 2;
        }
    };
    private static final ObjectStore STORE = new ObjectStore(S3, CONFIG);
    private static final String BUCKET = "capydb-backups";

    @Test
    void countsTheBytesItMovesEachWay() throws Exception {
        // What Quarkus does at startup: a registry joins the global one the store's counters live in.
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.globalRegistry.add(registry);
        try {
            byte[] data = new byte[6 * 1024 * 1024 + 7]; // two multipart parts: 6 MiB, then 7 bytes
            new Random(7).nextBytes(data);
            String key = "test/object-store/" + UUID.randomUUID();
            double up = registry.counter(ObjectStore.BYTES_MOVED, "direction", "upload")
                    .count();
            double down = registry.counter(ObjectStore.BYTES_MOVED, "direction", "download")
                    .count();
            STORE.upload(BUCKET, key, new ByteArrayInputStream(data));
            assertEquals(
                    data.length,
                    registry.counter(ObjectStore.BYTES_MOVED, "direction", "upload")
                                    .count()
                            - up);
            try (InputStream in = STORE.open(BUCKET, key)) {
                in.readNBytes(1000);
            }
            assertEquals(
                    1000,
                    registry.counter(ObjectStore.BYTES_MOVED, "direction", "download")
                                    .count()
                            - down,
                    "only what was read counts");
            STORE.delete(BUCKET, key);
        } finally {
            Metrics.globalRegistry.remove(registry);
        }
    }

    @AfterAll
    static void close() {
        STORE.close();
        S3.close();
    }

    @Test
    void streamsAMultipartObjectWithItsChecksum() throws Exception {
        byte[] data = new byte[17 * 1024 * 1024 + 123];
        new Random(42).nextBytes(data);
        String key = "test/object-store/" + UUID.randomUUID();
        StoredObject stored = STORE.upload(BUCKET, key, new ByteArrayInputStream(data));
        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        assertEquals(data.length, stored.sizeBytes());
        assertEquals(expected, stored.sha256());
        assertEquals(Optional.of((long) data.length), STORE.size(BUCKET, key));
        assertEquals(expected, STORE.sha256Of(BUCKET, key));
        STORE.delete(BUCKET, key);
        assertEquals(Optional.empty(), STORE.size(BUCKET, key));
    }

    @Test
    void smallObjectsGoUpInOnePutLargerOnesInParts() throws Exception {
        String key = "test/object-store/" + UUID.randomUUID();
        for (int size : new int[] {5 * 1024 * 1024 + 1, 6 * 1024 * 1024 - 1}) { // past one part, under the PUT limit
            StoredObject stored = STORE.upload(BUCKET, key, new ByteArrayInputStream(new byte[size]));
            assertEquals(size, stored.sizeBytes());
            assertFalse(eTag(key).contains("-"), size + " bytes: one PUT, a plain MD5 ETag, not " + eTag(key));
        }
        // Past the limit: 6 MiB (the part already read), 5 MiB, 1 MiB + 1 byte, as a multipart upload's ETag says.
        byte[] data = new byte[12 * 1024 * 1024 + 1];
        new Random(3).nextBytes(data);
        StoredObject stored = STORE.upload(BUCKET, key, new ByteArrayInputStream(data));
        assertTrue(eTag(key).endsWith("-3\""), eTag(key));
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)), stored.sha256());
        assertEquals(stored.sha256(), STORE.sha256Of(BUCKET, key));
        STORE.delete(BUCKET, key);
    }

    private static String eTag(String key) {
        return STORE.client().headObject(b -> b.bucket(BUCKET).key(key)).eTag();
    }

    @Test
    void emptyAndSmallStreamsWork() throws Exception {
        String key = "test/object-store/empty-" + UUID.randomUUID();
        StoredObject empty = STORE.upload(BUCKET, key, InputStream.nullInputStream());
        assertEquals(0, empty.sizeBytes());
        assertEquals(Optional.of(0L), STORE.size(BUCKET, key));
        STORE.delete(BUCKET, key);
        StoredObject small = STORE.upload(BUCKET, key, new ByteArrayInputStream("hello".getBytes()));
        assertEquals(5, small.sizeBytes());
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", small.sha256());
        STORE.delete(BUCKET, key);
    }

    @Test
    void aStreamThatBreaksLeavesNoObject() {
        String key = "test/object-store/broken-" + UUID.randomUUID();
        InputStream breaking =
                new SequenceInputStream(new ByteArrayInputStream(new byte[6 * 1024 * 1024]), new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("pg_dump was killed");
                    }
                });
        IOException e = assertThrows(IOException.class, () -> STORE.upload(BUCKET, key, breaking));
        assertTrue(e.getMessage().contains("pg_dump was killed"), e.getMessage());
        assertEquals(Optional.empty(), STORE.size(BUCKET, key));
        assertTrue(
                STORE.client()
                        .listMultipartUploads(b -> b.bucket(BUCKET).prefix(key))
                        .uploads()
                        .isEmpty(),
                "the multipart upload must be aborted");
    }
}
