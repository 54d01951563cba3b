package dev.capydb.project;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The projects API against the real hosts: what a user sees, what lands on the host, what is refused. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ProjectResourceTest {

    @Inject
    HostRegistry hosts;

    @Inject
    DatabaseProvisioner provisioner;

    @Inject
    AgroalDataSource dataSource;

    private static String uniqueName() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonPath create(String token, Map<String, Object> body) {
        var response = given().auth()
                .oauth2(token)
                .contentType("application/json")
                .body(body)
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract();
        // Relative, so clients follow it through the gateway.
        assertEquals("/v1/projects/" + response.path("id"), response.header("Location"));
        return response.jsonPath();
    }

    /** Opens a JDBC connection from a postgresql:// URL, as a customer's app would. */
    static Connection connect(String url) throws SQLException {
        URI uri = URI.create(url);
        String[] userInfo = uri.getUserInfo().split(":", 2);
        return DriverManager.getConnection(
                "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(), userInfo[0], userInfo[1]);
    }

    @Test
    void createdProjectIsARealDatabaseItsMembersCanUse() throws Exception {
        String name = uniqueName();
        JsonPath p = create(TestTokens.alice(), Map.of("name", name));
        String id = p.getString("id");
        assertEquals("acme", p.getString("org_id"));
        assertEquals("local-1", p.getString("region"));
        assertEquals("free", p.getString("plan"));
        assertEquals(512L * 1024 * 1024, p.getLong("storage_limit_bytes"));
        assertEquals("active", p.getString("status"));
        assertTrue(p.getBoolean("pitr.available"));
        assertTrue(p.getString("connection.database_url").contains(":****@"), p.getString("connection.database_url"));

        String url = given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}/connection", id)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
        String password = URI.create(url).getUserInfo().split(":", 2)[1];
        assertTrue(password.length() >= 40, "password should be strong");
        try (Connection c = connect(url);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE orders (id int primary key)");
            st.execute("INSERT INTO orders VALUES (1)");
        }
        // The masked views never carry the password.
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{id}", id)
                .then()
                .statusCode(200)
                .body(not(containsString(password)));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects")
                .then()
                .statusCode(200)
                .body("items.id", hasItem(id))
                .body(not(containsString(password)));
        // The password is sealed at rest.
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT password_sealed FROM project WHERE id = '" + id + "'")) {
            rs.next();
            assertFalse(rs.getString(1).contains(password));
        }
        // Other orgs cannot see it at all; nobody without a token can.
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects/{id}", id)
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"));
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects/{id}/connection", id)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects")
                .then()
                .statusCode(200)
                .body("items.id", not(hasItem(id)));
        given().get("/v1/projects/{id}", id).then().statusCode(401).body("code", equalTo("unauthorized"));

        // webhook-service's internal client reads the same strings internally; people cannot, and neither can
        // another client given the service role, nor an API token carrying it.
        String service = TestTokens.internalService();
        given().auth()
                .oauth2(service)
                .get("/internal/projects/{id}/connection", id)
                .then()
                .statusCode(200)
                .body("database_url", equalTo(url))
                .body("database_url_unpooled", containsString(password));
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/internal/projects/{id}/connection", id)
                .then()
                .statusCode(403);
        String otherClient = TestTokens.token(
                "service-account-capydb-backup", List.of(), List.of("service"), "capydb-internal", "capydb-backup");
        given().auth()
                .oauth2(otherClient)
                .get("/internal/projects/{id}/connection", id)
                .then()
                .statusCode(403)
                .body("code", equalTo("forbidden"));
        String apiTokenWithRole = TestTokens.token("service-account-capydb-services", List.of(), List.of("service"));
        given().auth()
                .oauth2(apiTokenWithRole)
                .get("/internal/projects/{id}/connection", id)
                .then()
                .statusCode(403);
        // The internal token carries no organisation: on this service's public API it reaches no project.
        given().auth().oauth2(service).get("/v1/projects/{id}", id).then().statusCode(404);
        // A token the realm minted for some other client (no capydb audience) is not accepted at all.
        String foreign = TestTokens.token("alice", List.of("/orgs/acme/admin"), List.of(), "account", "some-app");
        given().auth()
                .oauth2(foreign)
                .get("/v1/projects/{id}", id)
                .then()
                .statusCode(401)
                .body("code", equalTo("unauthorized"));
        given().auth()
                .oauth2(service)
                .get("/internal/projects/{id}/connection", UUID.randomUUID())
                .then()
                .statusCode(404);
    }

    @Test
    void regionDecidesHostAndPitr() {
        JsonPath p = create(TestTokens.carol(), Map.of("name", uniqueName(), "region", "local-2", "plan", "pro"));
        assertEquals("globex", p.getString("org_id"));
        assertFalse(p.getBoolean("pitr.available"));
        assertEquals(16384L * 1024 * 1024, p.getLong("storage_limit_bytes"));
        assertEquals(hosts.host("local-2").port(), p.getInt("database.port"));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/regions")
                .then()
                .statusCode(200)
                .body("find { it.id == 'local-1' }.pitr_available", equalTo(true))
                .body("find { it.id == 'local-2' }.pitr_available", equalTo(false));
        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/plans")
                .then()
                .statusCode(200)
                .body("id", hasItems("free", "pro"))
                .body("find { it.id == 'free' }.storage_limit_bytes", equalTo(536870912));
    }

    @Test
    void badInputIsRefusedAndCreatesNothing() throws Exception {
        long before = countProjects();
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("name", "Bad Name!"))
                .post("/v1/projects")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("validation_failed"))
                .body("errors[0].field", equalTo("name"));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("name", "x".repeat(64)))
                .post("/v1/projects")
                .then()
                .statusCode(422)
                .body("code", equalTo("validation_failed"));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("name", uniqueName(), "region", "mars-1"))
                .post("/v1/projects")
                .then()
                .statusCode(422)
                .body("code", equalTo("unknown_region"));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("name", uniqueName(), "plan", "platinum"))
                .post("/v1/projects")
                .then()
                .statusCode(422)
                .body("code", equalTo("unknown_plan"));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("name", uniqueName(), "org_id", "globex"))
                .post("/v1/projects")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("org_id"));
        given().auth()
                .oauth2(TestTokens.olga())
                .contentType("application/json")
                .body(Map.of("name", uniqueName()))
                .post("/v1/projects")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("org_id"));
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body("{\"name\": 5")
                .post("/v1/projects")
                .then()
                .statusCode(400)
                .body("code", equalTo("malformed_json"));
        String name = uniqueName();
        create(TestTokens.alice(), Map.of("name", name));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("name", name))
                .post("/v1/projects")
                .then()
                .statusCode(409)
                .body("code", equalTo("name_taken"));
        assertEquals(before + 1, countProjects());
    }

    @Test
    void onlyAdminsDeleteAndDeletionDropsTheDatabase() throws Exception {
        JsonPath p = create(TestTokens.alice(), Map.of("name", uniqueName()));
        String id = p.getString("id");
        String db = p.getString("database.name");
        String url = given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{id}/connection", id)
                .then()
                .extract()
                .path("database_url");
        assertTrue(provisioner.exists(hosts.host("local-1"), db));

        given().auth()
                .oauth2(TestTokens.bob())
                .delete("/v1/projects/{id}", id)
                .then()
                .statusCode(403)
                .body("code", equalTo("forbidden"));
        given().auth()
                .oauth2(TestTokens.carol())
                .delete("/v1/projects/{id}", id)
                .then()
                .statusCode(404);
        assertTrue(provisioner.exists(hosts.host("local-1"), db));

        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{id}", id)
                .then()
                .statusCode(204);
        assertFalse(provisioner.exists(hosts.host("local-1"), db));
        assertThrows(SQLException.class, () -> connect(url).close());
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{id}", id)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{id}", id)
                .then()
                .statusCode(404);
        // The name is free again.
        create(TestTokens.alice(), Map.of("name", p.getString("name")));

        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT type FROM outbox_event WHERE event_key = '" + id + "' ORDER BY seq")) {
            List<String> types = new java.util.ArrayList<>();
            while (rs.next()) {
                types.add(rs.getString(1));
            }
            assertEquals(List.of("project.created", "project.deleted"), types);
        }
    }

    @Test
    void listIsNewestFirstAndPaginated() {
        String a = create(TestTokens.carol(), Map.of("name", uniqueName())).getString("id");
        String b = create(TestTokens.carol(), Map.of("name", uniqueName())).getString("id");
        JsonPath first = given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects?limit=1")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(b, first.getString("items[0].id"));
        String cursor = first.getString("next_cursor");
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects?limit=1&cursor=" + cursor)
                .then()
                .statusCode(200)
                .body("items[0].id", equalTo(a));
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects?limit=0")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("limit"));
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects?cursor=garbage")
                .then()
                .statusCode(422)
                .body("errors[0].field", equalTo("cursor"));
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects?limit=100")
                .then()
                .statusCode(200)
                .body("next_cursor", nullValue())
                .body("items", notNullValue());
    }

    private long countProjects() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM project")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
