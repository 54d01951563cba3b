package dev.capydb.chassis.crypto;

import static dev.capydb.chassis.crypto.TestSecrets.K0;
import static dev.capydb.chassis.crypto.TestSecrets.K1;
import static dev.capydb.chassis.crypto.TestSecrets.K2;
import static dev.capydb.chassis.crypto.TestSecrets.box;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Re-sealing a column against the real PostgreSQL: values sealed before ({@code v1}, no row) end up under the active
 * key and bound to their row, in several batches, none lost; values that do not open stay exactly as they were; a
 * second run does nothing; a new active key takes every value over (rotation).
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ResealTest {

    private static final SealedColumn SECRET = new SealedColumn("reseal_test", "id", "secret_sealed");

    @Inject
    AgroalDataSource dataSource;

    @Inject
    Reseal reseal;

    @Inject
    SecretBox box;

    @BeforeEach
    void freshTable() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS reseal_test");
            st.execute("CREATE TABLE reseal_test (id uuid PRIMARY KEY, secret_sealed text)");
        }
    }

    @Test
    void valuesOfBeforeAreSealedAgainForTheirRowAndNoneIsLost() throws SQLException {
        Map<UUID, String> plain = new LinkedHashMap<>();
        for (int i = 0; i < 7; i++) {
            plain.put(insert(null), "password-" + i);
        }
        plain.forEach((id, p) -> update(id, TestSecrets.v1(K0, p)));
        // Sealed under k0 (the single key of before) for its own row: taken over too.
        UUID k0Row = insert(null);
        plain.put(k0Row, "k0-password");
        update(k0Row, TestSecrets.withLegacy("k0", Map.of(), K0).seal("k0-password", SECRET.aad(k0Row)));

        Map<UUID, String> untouchable = new HashMap<>();
        UUID garbage = insert("v1:this is not base64");
        untouchable.put(garbage, "v1:this is not base64");
        UUID unknownKey = insert(null);
        untouchable.put(unknownKey, box("k9", Map.of("k9", K2)).seal("x", SECRET.aad(unknownKey)));
        // Sealed under k0 for another row, then copied here: it must not be laundered into this row's binding.
        UUID moved = insert(null);
        untouchable.put(moved, TestSecrets.withLegacy("k0", Map.of(), K0).seal("not yours", SECRET.aad(k0Row)));
        untouchable.forEach(this::update);
        UUID empty = insert(null);

        // Batches of 3, so the walk crosses batches and passes values that do not open on the way.
        assertEquals(new Reseal.Outcome(8, 3), new Reseal(dataSource, box).run(SECRET, 3));

        Map<UUID, String> now = values();
        assertEquals(plain.size() + untouchable.size() + 1, now.size(), "no row lost");
        plain.forEach((id, p) -> {
            assertTrue(now.get(id).startsWith("v2:chassis1:"), now.get(id));
            assertEquals(p, box.open(now.get(id), SECRET.aad(id)));
        });
        untouchable.forEach((id, v) -> assertEquals(v, now.get(id), "a value that does not open is left as it was"));
        assertNull(now.get(empty));

        assertEquals(new Reseal.Outcome(0, 3), reseal.run(SECRET), "a second run has nothing to do");
        assertEquals(now, values());
    }

    @Test
    void aNewActiveKeyTakesEveryValueOver() throws SQLException {
        Map<UUID, String> plain = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            UUID id = insert(null);
            plain.put(id, "token-" + i);
            update(id, box.seal("token-" + i, SECRET.aad(id)));
        }
        SecretBox rotated = box("chassis2", Map.of("chassis1", K1, "chassis2", K2));

        assertEquals(new Reseal.Outcome(5, 0), new Reseal(dataSource, rotated).run(SECRET, 2));

        SecretBox onlyNew = box("chassis2", Map.of("chassis2", K2));
        values().forEach((id, v) -> {
            assertTrue(v.startsWith("v2:chassis2:"), v);
            assertEquals(plain.get(id), onlyNew.open(v, SECRET.aad(id)), "the old key can go now");
        });
        UUID first = plain.keySet().iterator().next();
        String underNew = values().get(first);
        SecretUnreadableException e = assertThrows(
                SecretUnreadableException.class,
                () -> box.open(underNew, SECRET.aad(first)),
                "a replica still on the old keys says which key it lacks");
        assertTrue(e.getMessage().contains("'chassis2'"), e.getMessage());
    }

    private UUID insert(String sealed) {
        UUID id = UUID.randomUUID();
        sql("INSERT INTO reseal_test (id, secret_sealed) VALUES (?, ?)", id, sealed);
        return id;
    }

    private void update(UUID id, String sealed) {
        sql("UPDATE reseal_test SET secret_sealed = ? WHERE id = ?", sealed, id);
    }

    private void sql(String sql, Object a, Object b) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, a);
            st.setObject(2, b);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<UUID, String> values() throws SQLException {
        Map<UUID, String> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, secret_sealed FROM reseal_test")) {
            while (rs.next()) {
                out.put(rs.getObject(1, UUID.class), rs.getString(2));
            }
        }
        return out;
    }
}
