package dev.capydb.cutover.service;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import dev.capydb.cutover.repository.CutoverRequest;
import dev.capydb.cutover.repository.CutoverStatus;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;

/** Reads cutover requests for customers and operators, in the caller's session: one by id, or a page at a time. */
@ApplicationScoped
public class CutoverQueries {

    public Uni<Page<CutoverRequest>> listForProject(
            UUID projectId, CutoverStatus status, String cursor, Integer limit) {
        return page("projectId = :project", Parameters.with("project", projectId), status, cursor, limit);
    }

    /** Every org's requests, for operators. */
    public Uni<Page<CutoverRequest>> listAll(CutoverStatus status, String cursor, Integer limit) {
        return page("1 = 1", new Parameters(), status, cursor, limit);
    }

    private Uni<Page<CutoverRequest>> page(
            String where, Parameters params, CutoverStatus status, String cursor, Integer limit) {
        Keyset k = Keyset.of(cursor, limit);
        Map<String, Object> all = k.params(params.map());
        if (status != null) {
            where += " and status = :status";
            all.put("status", status);
        }
        return CutoverRequest.<CutoverRequest>find(k.query(where), all)
                .page(0, k.fetch())
                .list()
                .map(rows -> k.page(rows, r -> new Cursor(r.createdAt, r.id)));
    }

    /** A request of this project; another project's is not found. */
    public Uni<CutoverRequest> get(UUID projectId, UUID requestId) {
        return CutoverRequest.<CutoverRequest>findById(requestId).map(r -> {
            if (r == null || !r.projectId.equals(projectId)) {
                throw ApiException.notFound("cutover request " + requestId);
            }
            return r;
        });
    }

    public Uni<CutoverRequest> get(UUID requestId) {
        return CutoverRequest.<CutoverRequest>findById(requestId).map(r -> {
            if (r == null) {
                throw ApiException.notFound("cutover request " + requestId);
            }
            return r;
        });
    }
}
