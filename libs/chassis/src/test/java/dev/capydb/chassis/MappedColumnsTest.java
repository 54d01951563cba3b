package dev.capydb.chassis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.testing.MappedColumns;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

/** The check that stands in for Hibernate's schema validation in reactive services finds a renamed column. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class MappedColumnsTest {

    @Inject
    Mutiny.SessionFactory sessions;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void aColumnTheEntityMapsButTheSchemaLacksIsNamed() throws Exception {
        assertEquals(List.of(), MappedColumns.missing(sessions, dataSource));
        exec("ALTER TABLE test_note RENAME COLUMN text TO body");
        try {
            assertEquals(List.of("test_note.text"), MappedColumns.missing(sessions, dataSource));
        } finally {
            exec("ALTER TABLE test_note RENAME COLUMN body TO text");
        }
    }

    private void exec(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
