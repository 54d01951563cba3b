package dev.capydb.chassis.jobs;

import io.agroal.api.AgroalDataSource;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/** Hands out the {@link JobLeases} of a service's job tables, over the service's own database. */
@ApplicationScoped
public class JobTables {

    private final Pool pool;
    private final AgroalDataSource dataSource;

    public JobTables(Pool pool, AgroalDataSource dataSource) {
        this.pool = pool;
        this.dataSource = dataSource;
    }

    /** The leases of {@code table} (lower-case letters and underscores: it is spliced into SQL). */
    public JobLeases leases(String table) {
        return new JobLeases(pool, dataSource, table);
    }
}
