package dev.capydb.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.Response;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The gateway in front of a fake service: auth, routing, streaming, request ids, rate limit, OpenAPI. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(FakeServices.class)
class GatewayTest {

    @Test
    void noOrBadTokenIs401ProblemBeforeRouting() {
        given().get("/v1/projects")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("unauthorized"))
                .header("WWW-Authenticate", "Bearer")
                .header("X-Request-Id", notNullValue());
        String token = TestTokens.alice();
        given().auth()
                .oauth2(token.substring(0, token.length() - 4) + "AAAA")
                .get("/v1/projects")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("code", equalTo("unauthorized"));
        given().auth()
                .oauth2("not-a-jwt")
                .get("/v1/projects")
                .then()
                .statusCode(401)
                .body("code", equalTo("unauthorized"));
    }

    @Test
    void forwardsTokenAndRequestIdAndStreamsBodies() throws Exception {
        String token = TestTokens.bob();
        byte[] body = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(body);
        given().auth()
                .oauth2(token)
                .header("X-Request-Id", "req-123")
                .contentType("application/octet-stream")
                .body(body)
                .post("/v1/projects?x=1")
                .then()
                .statusCode(200)
                .header("X-Request-Id", "req-123")
                .body("served_by", equalTo("project"));
        // What reached project-service: the same method, path and query, token, request id and every byte.
        FakeServices.project.verify(
                1,
                postRequestedFor(urlEqualTo("/v1/projects?x=1"))
                        .withHeader("Authorization", WireMock.equalTo("Bearer " + token))
                        .withHeader("X-Request-Id", WireMock.equalTo("req-123"))
                        .withRequestBody(binaryEqualTo(body)));
        String assigned = given().auth()
                .oauth2(token)
                .header("X-Request-Id", "bad id with spaces")
                .get("/v1/projects/abc")
                .then()
                .statusCode(200)
                .extract()
                .header("X-Request-Id");
        assertTrue(assigned.matches("[0-9a-f-]{36}"), assigned);
        FakeServices.project.verify(
                getRequestedFor(urlEqualTo("/v1/projects/abc")).withHeader("X-Request-Id", WireMock.equalTo(assigned)));
        given().auth()
                .oauth2(token)
                .get("/v1/projects/abc/teapot")
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"));
    }

    @Test
    void unknownRoutesAreProblems() {
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/nope")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("code", equalTo("not_found"));
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects/x/unknown")
                .then()
                .statusCode(404);
    }

    @Test
    void aServiceThatIsDownIsA503Problem() {
        given().auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects/x/backups")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("code", equalTo("service_unavailable"))
                .header("Retry-After", notNullValue());
    }

    @Test
    void ratesAreLimitedPerPrincipal() {
        String token = TestTokens.user("rate-tester", List.of("/orgs/acme/member"));
        int limited = 0;
        String retryAfter = null;
        for (int i = 0; i < 30; i++) {
            Response r = given().auth().oauth2(token).get("/v1/regions");
            if (r.statusCode() == 429) {
                limited++;
                retryAfter = r.header("Retry-After");
                assertEquals("rate_limited", r.jsonPath().getString("code"));
            }
        }
        assertTrue(limited >= 5, "expected refusals past the burst of 20, got " + limited);
        assertTrue(Integer.parseInt(retryAfter) >= 1);
        given().auth().oauth2(TestTokens.carol()).get("/v1/regions").then().statusCode(200);
    }

    @Test
    void heavyCallsSpendAPrincipalsBurstFaster() {
        // Burst 20 (FakeServices), a heavy call weighs 10: the third project creation in a row is refused.
        String heavy = TestTokens.user("heavy-tester", List.of("/orgs/acme/member"));
        given().auth().oauth2(heavy).post("/v1/projects").then().statusCode(200);
        given().auth().oauth2(heavy).post("/v1/projects").then().statusCode(200);
        given().auth()
                .oauth2(heavy)
                .post("/v1/projects")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("code", equalTo("rate_limited"))
                .header("Retry-After", notNullValue());
        String light = TestTokens.user("light-tester", List.of("/orgs/acme/member"));
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(light).get("/v1/projects").then().statusCode(200);
        }
    }

    @Test
    void servesTheMergedOpenApiWithoutAToken() {
        given().get("/v1/openapi.json")
                .then()
                .statusCode(200)
                .body("paths", hasKey("/v1/projects"))
                .body("paths", not(hasKey("/internal/debug")))
                .body("components.schemas", hasKey("ProjectBody"))
                .body("components.schemas", not(hasKey("InternalThing"))) // only what public paths use
                .body("x-capydb-unavailable-services", org.hamcrest.Matchers.hasItem("backup"));
        given().get("/docs/").then().statusCode(200);
    }
}
