package dev.capydb.cutover.service;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Keyset;
import dev.capydb.chassis.paging.Page;
import dev.capydb.cutover.repository.CutoverRequest;
import dev.capydb.cutover.repository.CutoverStatus;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Map;
import java.util.UUID;

/** Reads cutover requests for customers and operators: one by id, or a page of them at a time. */
@ApplicationScoped
public class CutoverQueries {

    @Transactional
    public Page<CutoverRequest> listForProject(UUID projectId, CutoverStatus status, String cursor, Integer limit) {
        return page("projectId = :project", Parameters.with("project", projectId), status, cursor, limit);
    }

    /** Every org's requests, for operators. */
    @Transactional
    public Page<CutoverRequest> listAll(CutoverStatus status, String cursor, Integer limit) {
        return page("1 = 1", new Parameters(), status, cursor, limit);
    }

    private Page<CutoverRequest> page(
            String where, Parameters params, CutoverStatus status, String cursor, Integer limit) {
        Keyset k = Keyset.of(cursor, limit);
        Map<String, Object> all = k.params(params.map());
        if (status != null) {
            where += " and status = :status";
            all.put("status", status);
        }
        return k.page(
                CutoverRequest.<CutoverRequest>find(k.query(where), all)
                        .page(0, k.fetch())
                        .list(),
                r -> new Cursor(r.createdAt, r.id));
    }

    /** A request of this project; another project's is not found. */
    @Transactional
    public CutoverRequest get(UUID projectId, UUID requestId) {
        return CutoverRequest.<CutoverRequest>findByIdOptional(requestId)
                .filter(r -> r.projectId.equals(projectId))
                .orElseThrow(() -> ApiException.notFound("cutover request " + requestId));
    }

    @Transactional
    public CutoverRequest get(UUID requestId) {
        return CutoverRequest.<CutoverRequest>findByIdOptional(requestId)
                .orElseThrow(() -> ApiException.notFound("cutover request " + requestId));
    }
}
