package dev.capydb.webhook.integration;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.webhook.repository.Integration;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Vercel and Netlify connections of a project: validated, token sealed at rest, never returned. */
@ApplicationScoped
public class IntegrationService {

    private static final Set<String> VERCEL_TARGETS = Set.of("production", "preview", "development");
    private static final List<String> DEFAULT_TARGETS = List.of("production", "preview", "development");

    private final SecretBox box;

    public IntegrationService(SecretBox box) {
        this.box = box;
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

    public Integration create(ProjectView project, Request r) {
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
        QuarkusTransaction.requiringNew().run(i::persist);
        return i;
    }

    public Integration get(UUID projectId, UUID id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> Integration.<Integration>findByIdOptional(id)
                        .filter(i -> i.projectId.equals(projectId))
                        .orElseThrow(() -> ApiException.notFound("integration " + id)));
    }

    public Page<Integration> list(UUID projectId, String cursor, Integer limit) {
        Keyset k = Keyset.of(cursor, limit);
        return QuarkusTransaction.requiringNew()
                .call(() -> k.page(
                        Integration.<Integration>find(
                                        k.query("projectId = :project"), k.params(Map.of("project", projectId)))
                                .page(0, k.fetch())
                                .list(),
                        i -> new Cursor(i.createdAt, i.id)));
    }

    public void delete(UUID projectId, UUID id) {
        QuarkusTransaction.requiringNew()
                .run(() -> Integration.<Integration>findByIdOptional(id)
                        .filter(i -> i.projectId.equals(projectId))
                        .orElseThrow(() -> ApiException.notFound("integration " + id))
                        .delete());
    }

    private static boolean id(String value, int max) {
        return value != null
                && !value.isBlank()
                && value.length() <= max
                && value.chars().noneMatch(Character::isISOControl);
    }
}
