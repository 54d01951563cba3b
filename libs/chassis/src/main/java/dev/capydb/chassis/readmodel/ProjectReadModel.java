package dev.capydb.chassis.readmodel;

import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.ProjectPayload;
import dev.capydb.events.Topic;
import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowIterator;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Optional;
import java.util.UUID;

/** The project read model table, fed by {@code project.*} events and read by {@link ProjectAccess}. */
@ApplicationScoped
public class ProjectReadModel {

    private final AgroalDataSource dataSource;
    private final Pool pool;

    public ProjectReadModel(AgroalDataSource dataSource, Pool pool) {
        this.dataSource = dataSource;
        this.pool = pool;
    }

    /** Blocking, for worker threads (jobs, consumers): {@link #findReactive} awaited. */
    public Optional<ProjectView> find(UUID projectId) {
        return findReactive(projectId).await().indefinitely();
    }

    /** Through the reactive client: no thread waits while the database answers. */
    public Uni<Optional<ProjectView>> findReactive(UUID projectId) {
        return pool.preparedQuery("SELECT * FROM project_read_model WHERE project_id = $1")
                .execute(Tuple.of(projectId))
                .map(rows -> {
                    RowIterator<Row> it = rows.iterator();
                    return it.hasNext() ? Optional.of(view(it.next())) : Optional.<ProjectView>empty();
                });
    }

    /**
     * Applies a project event in the caller's transaction. Older versions than the one stored are ignored, so a
     * replay of the compacted topic never moves a project backwards.
     */
    public void apply(EventEnvelope event) {
        if (EventType.fromWireName(event.type())
                .map(t -> t.topic() != Topic.PROJECTS)
                .orElse(true)) {
            return;
        }
        ProjectPayload p = event.dataAs(ProjectPayload.class);
        String sql = """
                INSERT INTO project_read_model (project_id, org_id, name, region, plan, storage_limit_bytes, host_id,
                    database_name, role_name, status, pitr_available, version, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (project_id) DO UPDATE SET org_id = EXCLUDED.org_id, name = EXCLUDED.name,
                    region = EXCLUDED.region, plan = EXCLUDED.plan, storage_limit_bytes = EXCLUDED.storage_limit_bytes,
                    host_id = EXCLUDED.host_id, database_name = EXCLUDED.database_name, role_name = EXCLUDED.role_name,
                    status = EXCLUDED.status, pitr_available = EXCLUDED.pitr_available, version = EXCLUDED.version,
                    updated_at = EXCLUDED.updated_at
                WHERE project_read_model.version < EXCLUDED.version
                """;
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, p.projectId());
            st.setString(2, p.orgId());
            st.setString(3, p.name());
            st.setString(4, p.region());
            st.setString(5, p.plan());
            st.setLong(6, p.storageLimitBytes());
            st.setString(7, p.hostId());
            st.setString(8, p.databaseName());
            st.setString(9, p.roleName());
            st.setString(10, p.status());
            st.setBoolean(11, p.pitrAvailable());
            st.setLong(12, p.version());
            st.setTimestamp(13, Timestamp.from(p.updatedAt()));
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update project read model", e);
        }
    }

    private static ProjectView view(Row row) {
        return new ProjectView(
                row.getUUID("project_id"),
                row.getString("org_id"),
                row.getString("name"),
                row.getString("region"),
                row.getString("plan"),
                row.getLong("storage_limit_bytes"),
                row.getString("host_id"),
                row.getString("database_name"),
                row.getString("role_name"),
                row.getString("status"),
                row.getBoolean("pitr_available"));
    }
}
