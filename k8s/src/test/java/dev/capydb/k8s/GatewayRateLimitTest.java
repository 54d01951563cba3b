package dev.capydb.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gateway's rate limits hold in the cluster: each replica enforces its share, so it must know how many replicas
 * there are, and the per-address limit needs the client's address, which only the ingress controller's
 * X-Forwarded-For carries (docs/security.md, "Rate limits at the gateway").
 */
class GatewayRateLimitTest {

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void eachReplicaIsToldTheReplicaCount(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        JsonNode deployment = r.get("Deployment", "gateway");
        // An autoscaler owns the count (the Deployment then names none): the count at rest is its minimum.
        int replicas = r.find("HorizontalPodAutoscaler", "gateway")
                .map(hpa -> hpa.path("spec").path("minReplicas").asInt(1))
                .orElseGet(() -> deployment.path("spec").path("replicas").asInt(1));
        assertEquals(
                String.valueOf(replicas),
                env(r).get("CAPYDB_GATEWAY_RATE_LIMIT_REPLICAS"),
                overlay + ": CAPYDB_GATEWAY_RATE_LIMIT_REPLICAS of the gateway");
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void theGatewayBelievesForwardedAddressesOnlyFromTheClusterNetwork(String overlay) {
        Map<String, String> env = env(ManifestsTest.render(overlay));
        assertEquals("true", env.get("QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING"), overlay + ": address forwarding");
        assertEquals("true", env.get("QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED"), overlay + ": X-Forwarded-For");
        String trusted = env.getOrDefault("QUARKUS_HTTP_PROXY_TRUSTED_PROXIES", "");
        assertFalse(trusted.isBlank(), overlay + ": without trusted proxies Quarkus believes any peer's header");
        for (String range : trusted.split(",")) {
            assertFalse(
                    List.of("0.0.0.0/0", "::/0").contains(range.trim()),
                    overlay + ": trusts every address: " + trusted);
        }
    }

    /** The gateway container's plain environment: its ConfigMaps, then its own env entries, which win. */
    private static Map<String, String> env(Rendered r) {
        Map<String, String> env = ManifestsTest.envFromConfigMaps(r, "gateway");
        for (JsonNode e : Rendered.app(r.get("Deployment", "gateway")).path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        }
        return env;
    }
}
