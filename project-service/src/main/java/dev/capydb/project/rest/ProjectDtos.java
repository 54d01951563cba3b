package dev.capydb.project.rest;

import dev.capydb.chassis.quota.Quota;
import dev.capydb.project.service.ProjectService;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of the projects API (snake_case on the wire). */
public final class ProjectDtos {

    private ProjectDtos() {}

    /** {@code POST /v1/projects}. */
    @Schema(example = "{\"name\": \"shop-production\", \"region\": \"local-1\", \"plan\": \"free\"}")
    public record CreateProject(
            @Schema(
                    required = true,
                    pattern = ProjectService.NAME_PATTERN,
                    maxLength = 63,
                    description = "Lower-case letters, digits and '-', unique in the organisation")
            String name,

            @Schema(description = "A region id from GET /v1/regions (default: the platform's default region)")
            String region,

            @Schema(description = "A plan id from GET /v1/plans (default: the platform's default plan)")
            String plan,

            @Schema(
                    pattern = ProjectService.NAME_PATTERN,
                    description = "The organisation that owns it; needed only " + "when the caller belongs to several")
            String orgId) {}

    /** A project as shown to its members; the password is masked. */
    public record ProjectBody(
            UUID id,
            String orgId,
            String name,
            String region,
            String plan,
            long storageLimitBytes,

            @Schema(enumeration = {"active", "restoring", "importing"})
            String status,

            DatabaseBody database,
            ConnectionUris connection,
            Pitr pitr,
            Instant createdAt,
            Instant updatedAt) {}

    /** Where the data lives. */
    public record DatabaseBody(String host, int port, String name, String role) {}

    /** The two connection strings every project has; they never change whatever happens to the data. */
    public record ConnectionUris(String databaseUrl, String databaseUrlUnpooled) {}

    /** Point-in-time recovery: offered by the region, and the window once base backups exist. */
    public record Pitr(
            boolean available,
            @Schema(nullable = true) Instant earliest,
            @Schema(nullable = true) Instant latest) {}

    /** {@code GET /v1/projects/{id}/connection}: the full strings and their parts. */
    public record ConnectionBody(
            String databaseUrl,
            String databaseUrlUnpooled,
            String host,
            int port,
            int pooledPort,
            String database,
            String user,
            String password) {}

    /** {@code GET /v1/regions}. */
    public record RegionBody(String id, boolean pitrAvailable) {}

    /** {@code GET /v1/plans}. */
    public record PlanBody(String id, String name, long storageLimitBytes) {}

    /** {@code GET /v1/orgs/{orgId}/limits}: what the organisation may have, and has. */
    public record OrgLimitsBody(
            String orgId,

            @Schema(description = "Live (not deleted) projects")
            Quota projects) {}
}
