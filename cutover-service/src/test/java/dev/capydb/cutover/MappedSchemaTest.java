package dev.capydb.cutover;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.testing.MappedColumns;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.util.List;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

/** Every column the entities map exists in the migrated schema. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class MappedSchemaTest {

    @Inject
    Mutiny.SessionFactory sessions;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void everyMappedColumnExists() throws Exception {
        assertEquals(List.of(), MappedColumns.missing(sessions, dataSource));
    }
}
