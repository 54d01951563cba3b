package dev.capydb.webhook;

import dev.capydb.chassis.readmodel.ProjectReadModel;
import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.testing.TestProjects;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Wires the shared test projects to this service's read model. */
@ApplicationScoped
public class Fixtures {

    @Produces
    @ApplicationScoped
    TestProjects testProjects(ProjectReadModel readModel, DatabaseProvisioner provisioner, HostRegistry hosts) {
        return new TestProjects(
                e -> QuarkusTransaction.requiringNew().run(() -> readModel.apply(e)), provisioner, hosts);
    }
}
