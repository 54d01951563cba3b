package dev.capydb.imports.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Set;

/** Typed settings of import-service. */
@ConfigMapping(prefix = "capydb.imports")
public interface ImportConfig {

    /** Imports one replica runs at once. */
    @WithDefault("2")
    int workers();

    @WithDefault("PT60S")
    Duration lease();

    /** How long a whole dump-and-load may take. */
    @WithDefault("PT6H")
    Duration importTimeout();

    /** How long connecting to a source may take (libpq {@code connect_timeout}). */
    @WithDefault("PT10S")
    Duration connectTimeout();

    /** How long any one statement of the preflight may run on the source. */
    @WithDefault("PT20S")
    Duration statementTimeout();

    /** The extensions a project may use; {@code plpgsql} is built in and never counted. */
    @WithDefault("vector,postgis,pg_trgm,pgcrypto,uuid-ossp,hstore,citext,pg_stat_statements,btree_gin,btree_gist,"
            + "unaccent,fuzzystrmatch,ltree")
    Set<String> allowedExtensions();

    /** Preflight warns when the source uses more than this share of the plan's storage limit. */
    @WithDefault("0.8")
    double sizeWarnRatio();

    /** How long a presigned upload URL is valid. */
    @WithDefault("PT1H")
    Duration uploadUrlValidity();

    /** How long an uploaded dump that was never imported successfully is kept after its upload URL expired. */
    @WithDefault("PT24H")
    Duration uploadRetention();

    /**
     * How old a frozen copy of an upload must be before the sweep deletes it when no import of ours names it (the
     * request failed between the copy and its row, and could not delete it): far longer than any request, and long
     * enough to spare the queued imports of another deployment sharing the bucket (dev and tests do).
     */
    @WithDefault("PT24H")
    Duration acceptedOrphanAge();

    /** How long a database replaced by a recreate import is kept (renamed) before it is dropped. */
    @WithDefault("PT24H")
    Duration safetyWindow();

    /** How often scratch databases that failed imports left behind are looked for (read by the sweep's {@code @Scheduled}). */
    @WithDefault("30s")
    String sweepEvery();
}
