package dev.capydb.dataplane;

import dev.capydb.dataplane.scratch.ScratchDatabases;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** CDI wiring of the data-plane building blocks from {@link DataplaneConfig}. */
@ApplicationScoped
public class DataplaneProducers {

    @Produces
    @Singleton
    HostRegistry hostRegistry(DataplaneConfig config) {
        return new HostRegistry(config.hosts().entrySet().stream()
                .map(e -> DatabaseHost.of(e.getKey(), e.getValue()))
                .toList());
    }

    @Produces
    @Singleton
    ToolRunner toolRunner(DataplaneConfig config) {
        return new ToolRunner(config.pgBinDir(), config.toolTimeout());
    }

    void closeToolRunner(@Disposes ToolRunner runner) {
        runner.close();
    }

    @Produces
    @Singleton
    ProjectLocks projectLocks() {
        return new ProjectLocks();
    }

    @Produces
    @Singleton
    DatabaseSwap databaseSwap() {
        return new DatabaseSwap();
    }

    @Produces
    @Singleton
    DatabaseProvisioner databaseProvisioner() {
        return new DatabaseProvisioner();
    }

    @Produces
    @Singleton
    ScratchDatabases scratchDatabases(DatabaseSwap swap, DatabaseProvisioner provisioner) {
        return new ScratchDatabases(swap, provisioner);
    }
}
