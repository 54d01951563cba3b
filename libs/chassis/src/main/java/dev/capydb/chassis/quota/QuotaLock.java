package dev.capydb.chassis.quota;

import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Serialises the count-then-insert of one quota scope (an organisation's projects, a project's webhooks) until the
 * caller's transaction ends, so two concurrent creates cannot both see room for the last one. A transaction-scoped
 * advisory lock in the service's own control database: it goes with the commit or rollback, never leaks.
 */
@ApplicationScoped
public class QuotaLock {

    private static final String LOCK = "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(?, 0))";
    private static final String KEY_PREFIX = "capydb.quota:";

    private final AgroalDataSource dataSource;

    public QuotaLock(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** For a Hibernate Reactive transaction: held by the session's connection until that transaction ends. */
    public Uni<Void> holdReactive(String scope) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(
                                // The lock in FROM: a void column is something Hibernate cannot map.
                                "SELECT 1 FROM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(:scope, 0))")
                        .setParameter("scope", KEY_PREFIX + scope)
                        .getSingleResult())
                .replaceWithVoid();
    }

    /** Must run inside the transaction that counts and inserts: the connection is the transaction's own. */
    public void hold(String scope) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(LOCK)) {
            st.setString(1, KEY_PREFIX + scope);
            st.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the quota lock for " + scope, e);
        }
    }
}
