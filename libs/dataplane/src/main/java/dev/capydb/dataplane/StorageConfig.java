package dev.capydb.dataplane;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Our buckets and how {@link ObjectStore} streams into them; the S3 endpoint, region and credentials are the
 * quarkus-amazon-s3 client's ({@code quarkus.s3.*}).
 */
@ConfigMapping(prefix = "capydb.storage")
public interface StorageConfig {

    @WithDefault("capydb-backups")
    String backupsBucket();

    @WithDefault("capydb-wal")
    String walBucket();

    @WithDefault("capydb-imports")
    String importsBucket();

    /**
     * Objects smaller than this go up in one PUT once their stream ends. Otherwise the first this-many bytes become the
     * first part of a multipart upload. One PUT is three requests fewer, and s3proxy's filesystem store copies a
     * multipart upload's parts into one file on completion: at this size the PUT finishes sooner after the last byte.
     */
    @WithDefault("16777216")
    int singlePutMaxBytes();

    /** Multipart part size; S3 needs at least 5 MiB for every part but the last. Small parts start uploading early. */
    @WithDefault("5242880")
    int partSizeBytes();

    /** Parts uploaded at once while the next one fills, so the producer rarely waits on the network. */
    @WithDefault("4")
    int partsInFlight();
}
