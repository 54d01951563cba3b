package dev.capydb.project.service;

import dev.capydb.chassis.readmodel.ProjectLookup;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.chassis.threading.Await;
import dev.capydb.project.repository.Project;
import dev.capydb.project.repository.ProjectRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/** project-service authorizes against its own table, the source of truth the read models are built from. */
@ApplicationScoped
public class OwnProjectLookup implements ProjectLookup {

    private final ProjectRepository projects;

    public OwnProjectLookup(ProjectRepository projects) {
        this.projects = projects;
    }

    @Override
    public Optional<ProjectView> find(UUID projectId) {
        return Await.reactive(() -> findReactive(projectId));
    }

    @Override
    public Uni<Optional<ProjectView>> findReactive(UUID projectId) {
        return Panache.withSession(() -> projects.findLive(projectId)).map(p -> p.map(OwnProjectLookup::view));
    }

    static ProjectView view(Project p) {
        return new ProjectView(
                p.id,
                p.orgId,
                p.name,
                p.region,
                p.plan,
                p.storageLimitBytes,
                p.hostId,
                p.databaseName,
                p.roleName,
                p.status.wire(),
                false);
    }
}
