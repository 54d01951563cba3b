package dev.capydb.k8s;

import static dev.capydb.k8s.Rendered.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the public Ingresses route: the gateway's API, docs and dashboard, Keycloak's realm paths; never /q or /admin. */
class PublicRoutesTest {

    /** Paths that must stay off the internet: Quarkus' management endpoints, Keycloak's admin console and API. */
    static final List<String> GATEWAY_PRIVATE = List.of(
            "/q/health",
            "/q/health/ready",
            "/q/metrics",
            "/q/openapi",
            "/q/dev-ui",
            "/internal/projects/00000000-0000-0000-0000-000000000000/connection");

    static final List<String> KEYCLOAK_PRIVATE = List.of(
            "/",
            "/admin",
            "/admin/",
            "/admin/master/console/",
            "/admin/realms/capydb/users",
            "/metrics",
            "/health/ready");

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void gatewayRoutesTheApiTheDocsAndTheDashboardOnly(String overlay) throws IOException {
        JsonNode ingress = ManifestsTest.render(overlay).get("Ingress", "gateway");
        ingress.findValues("service")
                .forEach(s -> assertEquals(
                        "gateway",
                        s.path("name").asText(),
                        overlay + ": the gateway's Ingress routes to "
                                + s.path("name").asText()));
        List<String> reachable = new ArrayList<>(List.of(
                "/v1/projects",
                "/v1/projects/p1/backups",
                "/v1/openapi.json",
                "/docs",
                "/docs/index.html",
                "/",
                "/ui/config.json"));
        reachable.addAll(dashboardFiles());
        for (String path : reachable) {
            assertTrue(routes(ingress, path), overlay + ": the gateway's Ingress does not route " + path);
        }
        for (String path : GATEWAY_PRIVATE) {
            assertFalse(routes(ingress, path), overlay + ": the gateway's Ingress routes " + path);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void keycloakRoutesOnlyTheRealmPaths(String overlay) {
        JsonNode ingress = ManifestsTest.render(overlay).get("Ingress", "keycloak");
        for (JsonNode p :
                ingress.findValues("paths").stream().flatMap(Rendered::stream).toList()) {
            assertTrue(
                    List.of("/realms/", "/resources/").contains(p.path("path").asText())
                            && p.path("pathType").asText().equals("Prefix"),
                    overlay + ": Keycloak's Ingress routes " + p);
        }
        for (String path : List.of(
                "/realms/capydb/protocol/openid-connect/token",
                "/realms/capydb/.well-known/openid-configuration",
                "/realms/capydb/protocol/openid-connect/auth/device",
                "/resources/abc12/login/keycloak.v2/css/styles.css")) {
            assertTrue(routes(ingress, path), overlay + ": Keycloak's Ingress does not route " + path);
        }
        for (String path : KEYCLOAK_PRIVATE) {
            assertFalse(routes(ingress, path), overlay + ": Keycloak's Ingress routes " + path);
        }
    }

    /** The dashboard's static files (gateway META-INF/resources) as request paths; index.html is also "/". */
    static List<String> dashboardFiles() throws IOException {
        Path dir = Repo.root().resolve("gateway/src/main/resources/META-INF/resources");
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> "/" + dir.relativize(f).toString().replace('\\', '/'))
                    .toList();
        }
    }

    /** Whether any rule of the Ingress sends this request path to a backend (Kubernetes' Exact and Prefix matching). */
    static boolean routes(JsonNode ingress, String request) {
        return stream(ingress.path("spec").path("rules"))
                .flatMap(rule -> stream(rule.path("http").path("paths")))
                .anyMatch(
                        p -> matches(p.path("pathType").asText(), p.path("path").asText(), request));
    }

    /** Prefix matches whole path elements ("/v1" matches "/v1/x", not "/v1x"); a trailing slash does not count. */
    static boolean matches(String type, String path, String request) {
        return switch (type) {
            case "Exact" -> path.equals(request);
            case "Prefix" -> {
                List<String> prefix = elements(path);
                List<String> requested = elements(request);
                yield requested.size() >= prefix.size()
                        && requested.subList(0, prefix.size()).equals(prefix);
            }
            default -> throw new AssertionError("pathType " + type + " is not portable: use Exact or Prefix");
        };
    }

    private static List<String> elements(String path) {
        return Arrays.stream(path.split("/")).filter(e -> !e.isEmpty()).toList();
    }
}
