package dev.capydb.chassis.readmodel;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Optional;
import java.util.UUID;

/** Services look projects up in their read model unless they own projects themselves (project-service). */
@ApplicationScoped
public class ProjectLookupProducer {

    @Produces
    @DefaultBean
    @ApplicationScoped
    ProjectLookup readModelLookup(ProjectReadModel readModel) {
        return new ProjectLookup() {
            @Override
            public Optional<ProjectView> find(UUID projectId) {
                return readModel.find(projectId);
            }

            @Override
            public Uni<Optional<ProjectView>> findReactive(UUID projectId) {
                return readModel.findReactive(projectId);
            }
        };
    }
}
