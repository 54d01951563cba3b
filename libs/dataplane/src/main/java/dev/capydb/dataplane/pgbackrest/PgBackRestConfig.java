package dev.capydb.dataplane.pgbackrest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Where pgBackRest keeps the PITR hosts' base backups and WAL: an S3 repository (over HTTPS, the only way pgBackRest
 * speaks to S3) in the WAL bucket. Region and credentials default to the S3 client's ({@code quarkus.s3.*}): pgBackRest
 * runs outside the JVM, so it is handed them here.
 */
@ConfigMapping(prefix = "capydb.pgbackrest")
public interface PgBackRestConfig {

    /** The repository's S3 endpoint, {@code https://host[:port]}; the host must be a name its certificate carries. */
    String endpoint();

    String region();

    String accessKey();

    String secretKey();

    /** CA certificate that signed the endpoint's certificate; absent means the system's trust store. */
    Optional<String> caFile();

    /** Path of the repository inside the bucket. */
    @WithDefault("/pgbackrest")
    String repoPath();

    /** {@code path} for S3 servers without virtual-host buckets (s3proxy, MinIO), else {@code host}. */
    @WithDefault("path")
    String uriStyle();

    /** Parallel processes of one backup or restore. */
    @WithDefault("2")
    int processMax();

    /** lz4: a little bigger than gzip, several times cheaper to make and to read. */
    @WithDefault("lz4")
    String compressType();

    /** Where this service's pgBackRest runs keep their lock files (never the hosts' own lock directory). */
    Optional<String> lockPath();

    /** Port of the hosts' pgBackRest TLS servers. */
    @WithDefault("8432")
    int tlsServerPort();

    /** The client certificate, its key and the servers' CA for the hosts' pgBackRest TLS servers. */
    Optional<String> tlsClientCertFile();

    Optional<String> tlsClientKeyFile();

    Optional<String> tlsServerCaFile();

    /** Seconds pgBackRest waits on one network operation before it gives up. */
    @WithDefault("60")
    int ioTimeoutSeconds();
}
