package dev.capydb.chassis.quota;

import io.agroal.api.AgroalDataSource;
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

    private final AgroalDataSource dataSource;

    public QuotaLock(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Must run inside the transaction that counts and inserts: the connection is the transaction's own. */
    public void hold(String scope) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(
                        "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended(?, 0))")) {
            st.setString(1, "capydb.quota:" + scope);
            st.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot take the quota lock for " + scope, e);
        }
    }
}
