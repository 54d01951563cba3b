package dev.capydb.chassis.paging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One newest-first page request over entities with {@code createdAt} and {@code id}: the JPQL condition after the
 * cursor, its parameters, the order, how many rows to fetch, and the page cut from them.
 */
public record Keyset(int size, Cursor after) {

    /** The list order every API list uses. */
    public static final String ORDER = " order by createdAt desc, id desc";

    /** From the client's {@code cursor} and {@code limit} (both validated: a bad one is a 422). */
    public static Keyset of(String cursor, Integer limit) {
        return new Keyset(Cursor.limit(limit), Cursor.decode(cursor));
    }

    /** {@code where} plus the condition "after the cursor", plus the order. */
    public String query(String where) {
        return where + (after == null ? "" : " and (createdAt < :at or (createdAt = :at and id < :id))") + ORDER;
    }

    /** {@code params} plus the cursor's, as a new mutable map. */
    public Map<String, Object> params(Map<String, Object> params) {
        Map<String, Object> all = new HashMap<>(params);
        if (after != null) {
            all.put("at", after.at());
            all.put("id", after.id());
        }
        return all;
    }

    /** One row more than the page, so the page knows whether another follows. */
    public int fetch() {
        return size + 1;
    }

    public <T> Page<T> page(List<T> rowsPlusOne, Function<T, Cursor> position) {
        return Page.of(rowsPlusOne, size, position);
    }
}
