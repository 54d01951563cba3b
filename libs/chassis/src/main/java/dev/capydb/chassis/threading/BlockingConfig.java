package dev.capydb.chassis.threading;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The named pool that blocking calls made from reactive code run on ({@link BlockingWork}). */
@ConfigMapping(prefix = "capydb.blocking")
public interface BlockingConfig {

    /**
     * Threads of the {@code capydb-blocking} pool. Its work is short JDBC to data-plane hosts and waits on Kafka for
     * read-your-writes; child processes have the job workers' own threads.
     */
    @WithDefault("8")
    int poolSize();
}
