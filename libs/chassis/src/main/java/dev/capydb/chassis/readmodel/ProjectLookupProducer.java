package dev.capydb.chassis.readmodel;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Services look projects up in their read model unless they own projects themselves (project-service). */
@ApplicationScoped
public class ProjectLookupProducer {

    @Produces
    @DefaultBean
    @ApplicationScoped
    ProjectLookup readModelLookup(ProjectReadModel readModel) {
        return readModel::find;
    }
}
