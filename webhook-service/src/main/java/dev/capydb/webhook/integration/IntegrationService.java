package dev.capydb.webhook.integration;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.outbox.ReactiveTransactions;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.webhook.repository.Integration;
import dev.capydb.webhook.repository.ProjectRows;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Vercel and Netlify connections of a project: validated, token sealed at rest, never returned. */
@ApplicationScoped
public class IntegrationService {

    private static final Set<String> VERCEL_TARGETS = Set.of("production", "preview", "development");
    private static final List<String> DEFAULT_TARGETS = List.of("production", "preview", "development");

    private final SecretBox box;
    private final ReactiveTransactions transactions;

    public IntegrationService(SecretBox box, ReactiveTransactions transactions) {
        this.box = box;
        this.transactions = transactions;
    }

    /** The request: {@code provider} and the ids that provider needs. */
    public record Request(
            String provider,
            String accessToken,
            String projectId,
            String teamId,
            List<String> targets,
            String accountId,
            String siteId) {}

    public Uni<Integration> create(ProjectView project, Request r) {
        boolean vercel = "vercel".equals(r.provider());
        boolean netlify = "netlify".equals(r.provider());
        List<String> targets = r.targets() == null || r.targets().isEmpty() ? DEFAULT_TARGETS : r.targets();
        Validation.start()
                .check(vercel || netlify, "provider", "must be vercel or netlify")
                .check(id(r.accessToken(), 512), "access_token", "is required (at most 512 characters)")
                .check(!vercel || id(r.projectId(), 200), "project_id", "is required for vercel")
                .check(!vercel || r.teamId() == null || id(r.teamId(), 200), "team_id", "must be 1-200 characters")
                .check(
                        !vercel || VERCEL_TARGETS.containsAll(targets),
                        "targets",
                        "must be among production, preview, development")
                .check(!netlify || id(r.accountId(), 200), "account_id", "is required for netlify")
                .check(!netlify || id(r.siteId(), 200), "site_id", "is required for netlify")
                .check(
                        netlify || (r.accountId() == null && r.siteId() == null),
                        "account_id",
                        "only applies to netlify")
                .check(vercel || (r.projectId() == null && r.teamId() == null), "project_id", "only applies to vercel")
                .orThrow();
        Integration i = new Integration();
        i.id = UUID.randomUUID();
        i.projectId = project.projectId();
        i.orgId = project.orgId();
        i.provider = r.provider();
        i.targetProjectId = r.projectId();
        i.teamId = r.teamId();
        i.targets = vercel ? String.join(",", targets) : null;
        i.accountId = r.accountId();
        i.siteId = r.siteId();
        i.tokenSealed = box.seal(r.accessToken(), Integration.TOKEN.aad(i.id));
        i.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return transactions.run(() -> i.persist().replaceWith(i));
    }

    public Uni<Integration> get(UUID projectId, UUID id) {
        return Panache.withSession(() -> find(projectId, id));
    }

    /** The project's integration, in the caller's session. */
    private static Uni<Integration> find(UUID projectId, UUID id) {
        return ProjectRows.owned(
                Integration.<Integration>findById(id), i -> i.projectId, projectId, "integration " + id);
    }

    public Uni<Page<Integration>> list(UUID projectId, String cursor, Integer limit) {
        return ProjectRows.page(
                Keyset.of(cursor, limit),
                projectId,
                (query, params) -> Integration.find(query, params),
                i -> new Cursor(i.createdAt, i.id));
    }

    public Uni<Void> delete(UUID projectId, UUID id) {
        return transactions.run(() -> find(projectId, id).chain(i -> i.delete()).replaceWithVoid());
    }

    private static boolean id(String value, int max) {
        return value != null
                && !value.isBlank()
                && value.length() <= max
                && value.chars().noneMatch(Character::isISOControl);
    }
}
