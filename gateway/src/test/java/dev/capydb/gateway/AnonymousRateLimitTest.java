package dev.capydb.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Calls without a valid token are limited per client address, before their 401. The gateway trusts this test's
 * X-Forwarded-For, as it trusts the ingress controller's in Kubernetes, so each test is a caller of its own address;
 * the anonymous buckets barely refill here, so what a caller gets depends only on what it sent.
 */
@QuarkusTest
@TestProfile(AnonymousRateLimitTest.Profile.class)
class AnonymousRateLimitTest {

    /** Anonymous burst 20, a refill too slow to matter during a test, and the test client trusted as a proxy. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "capydb.gateway.rate-limit.anonymous.requests-per-second",
                    "0.001",
                    "capydb.gateway.rate-limit.anonymous.burst",
                    "20",
                    "capydb.gateway.rate-limit.expensive-weight",
                    "10",
                    "quarkus.http.proxy.proxy-address-forwarding",
                    "true",
                    "quarkus.http.proxy.allow-x-forwarded",
                    "true",
                    // Loopback, and the forms k8s/base/config/gateway.env trusts, which Quarkus must parse.
                    "quarkus.http.proxy.trusted-proxies",
                    "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7");
        }
    }

    private static RequestSpecification from(String address) {
        return given().header("X-Forwarded-For", address);
    }

    @Test
    void aFloodFromOneAddressIsRefusedAfterTheBurstAndOtherAddressesAreNot() {
        String flooder = "203.0.113.7";
        for (int i = 0; i < 20; i++) {
            // No token and a token that fails validation share the address's bucket.
            RequestSpecification call =
                    i % 2 == 0 ? from(flooder) : from(flooder).auth().oauth2("not-a-jwt");
            call.get("/v1/projects")
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .body("code", equalTo("unauthorized"));
        }
        for (int i = 0; i < 10; i++) {
            RequestSpecification call =
                    i % 2 == 0 ? from(flooder) : from(flooder).auth().oauth2("not-a-jwt");
            Response refused = call.get("/v1/projects");
            assertEquals(429, refused.statusCode(), refused.asString());
            assertEquals("application/problem+json", refused.contentType());
            assertEquals("rate_limited", refused.jsonPath().getString("code"));
            assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1, refused.header("Retry-After"));
        }
        from(flooder).get("/v1/openapi.json").then().statusCode(429);
        from("203.0.113.8").get("/v1/projects").then().statusCode(401).body("code", equalTo("unauthorized"));
        from("2001:db8:7::1").get("/v1/projects").then().statusCode(401);
        // A valid token is limited by its subject, wherever it comes from.
        from(flooder)
                .auth()
                .oauth2(TestTokens.carol())
                .get("/v1/projects")
                .then()
                .statusCode(200);
    }

    @Test
    void aHeavyCallSpendsTheAddressesBurstFaster() {
        String creator = "198.51.100.20";
        from(creator).post("/v1/projects").then().statusCode(401);
        // Spelled as the import service would still understand it (a percent-encoded 'p'): heavy all the same.
        from(creator)
                .urlEncodingEnabled(false)
                .post("/v1/projects/p1/imports/%70reflight")
                .then()
                .statusCode(401);
        Response read = from(creator).get("/v1/projects");
        assertEquals(
                429,
                read.statusCode(),
                "two heavy calls spend a burst of 20, leaving not even a read: " + read.asString());
        Response heavy = from(creator).post("/v1/projects/p1/restores");
        assertEquals(429, heavy.statusCode(), heavy.asString());
        assertEquals("rate_limited", heavy.jsonPath().getString("code"));
        assertTrue(Long.parseLong(heavy.header("Retry-After")) >= 1, heavy.header("Retry-After"));
        String reader = "198.51.100.21";
        for (int i = 0; i < 3; i++) {
            from(reader).get("/v1/projects").then().statusCode(401).body("code", equalTo("unauthorized"));
        }
    }

    @Test
    void anIpv6CallerIsOneCallerAcrossItsSlash64() {
        for (int i = 0; i < 20; i++) {
            from("2001:db8:64:1::" + Integer.toHexString(i + 1))
                    .get("/v1/regions")
                    .then()
                    .statusCode(401);
        }
        from("2001:db8:64:1::ffff").get("/v1/regions").then().statusCode(429).body("code", equalTo("rate_limited"));
        from("2001:db8:64:2::1").get("/v1/regions").then().statusCode(401);
    }
}
