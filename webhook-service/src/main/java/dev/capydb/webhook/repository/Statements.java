package dev.capydb.webhook.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/** SQL the entities do not express (upserts, guarded inserts), run on the current session to commit with it. */
public final class Statements {

    private Statements() {}

    /** The statement's row count; its parameters are named {@code :p1}, {@code :p2}, … in the order given. */
    public static Uni<Integer> execute(String sql, Object... args) {
        return Panache.getSession().chain(s -> {
            var query = s.createNativeQuery(sql);
            for (int i = 0; i < args.length; i++) {
                query.setParameter("p" + (i + 1), args[i]);
            }
            return query.executeUpdate();
        });
    }
}
