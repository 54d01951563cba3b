package dev.capydb.project.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Queries on projects: live ones by org, newest first, keyset-paginated. */
@ApplicationScoped
public class ProjectRepository implements PanacheRepositoryBase<Project, UUID> {

    public Uni<Optional<Project>> findLive(UUID id) {
        return findById(id).map(p -> Optional.ofNullable(p).filter(live -> live.deletedAt == null));
    }

    public Uni<Boolean> nameTaken(String orgId, String name) {
        return count("orgId = ?1 and name = ?2 and deletedAt is null", orgId, name)
                .map(n -> n > 0);
    }

    public Uni<Long> liveInOrg(String orgId) {
        return count("orgId = ?1 and deletedAt is null", orgId);
    }

    public Uni<Long> liveOnHost(String hostId) {
        return count("hostId = ?1 and deletedAt is null", hostId);
    }

    /** One page of live projects in the given orgs, strictly older than the cursor position when given. */
    public Uni<List<Project>> page(Collection<String> orgIds, Instant beforeCreated, UUID beforeId, int limit) {
        if (beforeCreated == null) {
            return find(
                            "orgId in :orgs and deletedAt is null order by createdAt desc, id desc",
                            Parameters.with("orgs", orgIds))
                    .page(0, limit)
                    .list();
        }
        return find(
                        "orgId in :orgs and deletedAt is null and (createdAt < :at or (createdAt = :at and id < :id)) "
                                + "order by createdAt desc, id desc",
                        Parameters.with("orgs", orgIds).and("at", beforeCreated).and("id", beforeId))
                .page(0, limit)
                .list();
    }
}
