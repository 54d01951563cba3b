package dev.capydb.project;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.crypto.Reseal;
import dev.capydb.chassis.crypto.SealedColumn;
import dev.capydb.chassis.crypto.SecretUnreadableException;
import dev.capydb.chassis.threading.Await;
import dev.capydb.project.repository.Project;
import dev.capydb.project.service.ProjectService;
import dev.capydb.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A project's sealed password is bound to its row: copied onto another project, it does not open there. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class SealedPasswordTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ProjectService service;

    @Inject
    Reseal reseal;

    @Inject
    Instance<SealedColumn> sealedColumns;

    private static String create() {
        return given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("name", "s-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static String databaseUrl(String id) {
        return given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{id}/connection", id)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
    }

    @Test
    void aPasswordCopiedToAnotherProjectDoesNotOpenThere() throws Exception {
        String a = create();
        String b = create();
        String aUrl = databaseUrl(a);
        String aPassword = URI.create(aUrl).getUserInfo().split(":", 2)[1];
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            assertEquals(
                    1,
                    st.executeUpdate("UPDATE project SET password_sealed = (SELECT password_sealed FROM project"
                            + " WHERE id = '" + a + "') WHERE id = '" + b + "'"));
        }

        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{id}/connection", b)
                .then()
                .statusCode(500)
                .body("code", equalTo("internal_error"))
                .body(not(containsString(aPassword)));
        Project row = Await.reactive(() -> Panache.withSession(() -> Project.<Project>findById(UUID.fromString(b))));
        SecretUnreadableException e = assertThrows(SecretUnreadableException.class, () -> service.password(row));
        assertTrue(e.getMessage().contains("project.password_sealed:" + b), e.getMessage());
        assertFalse(e.getMessage().contains(aPassword));
        assertEquals(aUrl, databaseUrl(a), "the project the value belongs to still reads it");

        // Sealing again, as each start does over the columns the service declares, does not launder it for b.
        assertTrue(sealedColumns.stream().anyMatch(Project.PASSWORD::equals));
        String copied = sealed(b);
        reseal.run(Project.PASSWORD);
        assertEquals(copied, sealed(b), "left as it was");
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{id}/connection", b)
                .then()
                .statusCode(500);

        for (String id : new String[] {a, b}) {
            given().auth()
                    .oauth2(TestTokens.alice())
                    .delete("/v1/projects/{id}", id)
                    .then()
                    .statusCode(204);
        }
    }

    private String sealed(String id) throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT password_sealed FROM project WHERE id = '" + id + "'")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }
}
