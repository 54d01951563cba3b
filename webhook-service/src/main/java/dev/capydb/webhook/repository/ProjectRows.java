package dev.capydb.webhook.repository;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;

/** Reads of rows that belong to one project: a row of another project is as unknown as a missing one. */
public final class ProjectRows {

    private ProjectRows() {}

    /** The row {@code lookup} found, in the caller's session; not found when it is missing or another project's. */
    public static <T> Uni<T> owned(Uni<T> lookup, Function<T, UUID> projectOf, UUID projectId, String what) {
        return lookup.map(row -> {
            if (row == null || !projectOf.apply(row).equals(projectId)) {
                throw ApiException.notFound(what);
            }
            return row;
        });
    }

    /** One keyset page of the project's rows, in a session of its own. */
    public static <T> Uni<Page<T>> page(
            Keyset k,
            UUID projectId,
            BiFunction<String, Map<String, Object>, PanacheQuery<T>> find,
            Function<T, Cursor> position) {
        return Panache.withSession(
                () -> find.apply(k.query("projectId = :project"), k.params(Map.of("project", projectId)))
                        .page(0, k.fetch())
                        .list()
                        .map(rows -> k.page(rows, position)));
    }
}
