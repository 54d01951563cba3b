package dev.capydb.webhook.service;

import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Page;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** Keyset pages of an entity with {@code createdAt} and {@code id}, newest first (the API's list convention). */
public final class NewestFirst {

    private NewestFirst() {
    }

    /**
     * @param where  a JPQL condition on the entity (alias {@code e}), e.g. {@code e.projectId = :project}
     * @param params its named parameters
     */
    public static <E> Page<E> page(Class<E> type, String where, Map<String, Object> params, String cursor,
                                   Integer limit, Function<E, Instant> createdAt, Function<E, UUID> id) {
        int size = Cursor.limit(limit);
        Cursor after = Cursor.decode(cursor);
        return QuarkusTransaction.requiringNew().call(() -> {
            String keyset = after == null ? "" : " and (e.createdAt < :at or (e.createdAt = :at and e.id < :id))";
            TypedQuery<E> q = Panache.getEntityManager().createQuery("select e from " + type.getSimpleName() + " e where "
                    + where + keyset + " order by e.createdAt desc, e.id desc", type);
            params.forEach(q::setParameter);
            if (after != null) {
                q.setParameter("at", after.at());
                q.setParameter("id", after.id());
            }
            List<E> rows = q.setMaxResults(size + 1).getResultList();
            return Page.of(rows, size, e -> new Cursor(createdAt.apply(e), id.apply(e)));
        });
    }
}
