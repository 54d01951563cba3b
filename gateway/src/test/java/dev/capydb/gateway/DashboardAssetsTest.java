package dev.capydb.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import org.junit.jupiter.api.Test;

/** The dashboard's static files and login settings are public; the API behind it still needs a token. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(FakeServices.class)
class DashboardAssetsTest {

    @Test
    void servesTheDashboardWithoutAToken() {
        given().get("/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("/js/app.js"));
        for (String asset : new String[] {
            "/js/app.js", "/js/auth.js", "/js/backups.js", "/js/previews.js", "/js/operator.js", "/app.css"
        }) {
            given().get(asset).then().statusCode(200);
        }
        given().get("/v1/projects").then().statusCode(401);
    }

    @Test
    void tellsTheDashboardWhereToLogIn() {
        given().get("/ui/config.json")
                .then()
                .statusCode(200)
                .contentType(containsString("application/json"))
                .body("client_id", equalTo("capydb-ui"))
                .body("issuer", endsWith("/realms/quarkus"));
    }
}
