package dev.capydb.project.rest;

import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of the projects API (snake_case on the wire). */
public final class ProjectDtos {

    private ProjectDtos() {
    }

    /** {@code POST /v1/projects}. */
    public record CreateProject(String name, String region, String plan, String orgId) {
    }

    /** A project as shown to its members; the password is masked. */
    public record ProjectBody(UUID id, String orgId, String name, String region, String plan, long storageLimitBytes,
                              @Schema(enumeration = {"active", "restoring", "importing"}) String status,
                              DatabaseBody database, ConnectionUris connection, Pitr pitr,
                              Instant createdAt, Instant updatedAt) {
    }

    /** Where the data lives. */
    public record DatabaseBody(String host, int port, String name, String role) {
    }

    /** The two connection strings every project has; they never change whatever happens to the data. */
    public record ConnectionUris(String databaseUrl, String databaseUrlUnpooled) {
    }

    /** Point-in-time recovery: offered by the region, and the window once base backups exist. */
    public record Pitr(boolean available, @Schema(nullable = true) Instant earliest,
                       @Schema(nullable = true) Instant latest) {
    }

    /** {@code GET /v1/projects/{id}/connection}: the full strings and their parts. */
    public record ConnectionBody(String databaseUrl, String databaseUrlUnpooled, String host, int port, int pooledPort,
                                 String database, String user, String password) {
    }

    /** {@code GET /v1/regions}. */
    public record RegionBody(String id, boolean pitrAvailable) {
    }

    /** {@code GET /v1/plans}. */
    public record PlanBody(String id, String name, long storageLimitBytes) {
    }
}
