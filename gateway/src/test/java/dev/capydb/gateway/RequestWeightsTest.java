package dev.capydb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capydb.gateway.routing.RequestWeights;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which calls count as heavy for the rate limit, and that no spelling of a heavy call's path makes it cheap. */
class RequestWeightsTest {

    private final RequestWeights weights = new RequestWeights(10);

    @ParameterizedTest
    @CsvSource({
        "POST, /v1/projects",
        "POST, /v1/projects/p1/backups",
        "POST, /v1/projects/p1/imports",
        "POST, /v1/projects/p1/imports/uploads",
        "POST, /v1/projects/p1/imports/preflight",
        "POST, /v1/projects/p1/restores",
        "POST, /v1/operator/cutover-requests/c1/execute",
        // Spellings the services answer like the plain path: a trailing or doubled slash, matrix parameters.
        "POST, /v1/projects/",
        "POST, /v1//projects/p1/backups",
        "POST, /v1/projects/p1/backups;x=1",
        "POST, /v1/projects;a=b/p1/imports/preflight/"
    })
    void heavyCallsWeighTheConfiguredWeight(String method, String path) {
        assertEquals(10, weights.of(HttpMethod.valueOf(method), path));
    }

    @ParameterizedTest
    @CsvSource({
        "GET, /v1/projects",
        "GET, /v1/projects/p1/backups",
        "DELETE, /v1/projects/p1",
        "PUT, /v1/projects/p1/scheduled-backups/default",
        "POST, /v1/projects/p1/restore-points",
        "POST, /v1/projects/p1/webhooks",
        "POST, /v1/projects/p1/cutover-requests",
        "POST, /v1/operator/cutover-requests/c1/ack",
        "POST, /v1/projects/p1/backups/b1",
        "GET, /v1/openapi.json"
    })
    void everythingElseWeighsOne(String method, String path) {
        assertEquals(1, weights.of(HttpMethod.valueOf(method), path));
    }

    @Test
    void theWeightIsConfigurableButNeverBelowOne() {
        assertEquals(3, new RequestWeights(3).of(HttpMethod.POST, "/v1/projects/p1/restores"));
        assertEquals(3, new RequestWeights(3).max());
        assertThrows(IllegalArgumentException.class, () -> new RequestWeights(0));
    }
}
