package dev.capydb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.capydb.gateway.routing.OpenApiMerger;
import dev.capydb.gateway.routing.RouteTable;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;

/**
 * The public API contract is known at build time and kept in the repository: the services' documents, written when
 * each was built (they are built before the gateway), merged as the gateway merges them, must equal
 * {@code api/openapi.json}; and that document must be compatible with the last released one,
 * {@code api/openapi.released.json}, except for breaking changes {@code api/CHANGELOG.md} announces.
 *
 * <p>{@code dev/contract} rewrites {@code api/openapi.json} from the build after an intended change.
 */
class ContractDocumentTest {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path COMMITTED = REPO.resolve("api/openapi.json");
    private static final Path RELEASED = REPO.resolve("api/openapi.released.json");
    private static final Path CHANGELOG = REPO.resolve("api/CHANGELOG.md");

    /** The contract as the build makes it (also written to target/openapi/capydb.json, to look at). */
    private static JsonObject built() throws Exception {
        Map<String, List<String>> routes = ConfiguredRoutes.load();
        Map<String, JsonObject> docs = new TreeMap<>();
        for (String service : routes.keySet()) {
            Path doc = REPO.resolve(service + "-service/target/openapi/openapi.json");
            if (!Files.exists(doc)) {
                fail(doc + " is missing: the services write their documents when they are built, before the gateway"
                        + " (mvn install from the repository root)");
            }
            docs.put(service, new JsonObject(Files.readString(doc)));
        }
        JsonObject merged = OpenApiMerger.merge(new RouteTable(routes), docs);
        Path out = Path.of("target/openapi/capydb.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, merged.encodePrettily() + "\n");
        return merged;
    }

    @Test
    void theCommittedContractIsTheOneTheServicesDescribe() throws Exception {
        JsonObject built = built();
        if (Boolean.getBoolean("capydb.contract.write")) {
            Files.writeString(COMMITTED, built.encodePrettily() + "\n"); // dev/contract
        }
        JsonObject committed = new JsonObject(Files.readString(COMMITTED));
        if (!built.equals(committed)) {
            fail("api/openapi.json is not what the services describe (target/openapi/capydb.json is). If the change is"
                    + " intended, run dev/contract and commit api/openapi.json; a breaking change also needs its"
                    + " line in api/CHANGELOG.md.\n" + firstDifference(committed, built, "#"));
        }
    }

    @Test
    void everyBreakingChangeSinceTheReleasedContractIsAnnounced() throws Exception {
        ChangedOpenApi diff = OpenApiCompare.fromContents(Files.readString(RELEASED), Files.readString(COMMITTED));
        String changelog = Files.readString(CHANGELOG, StandardCharsets.UTF_8);
        List<String> unannounced = new ArrayList<>();
        diff.getMissingEndpoints()
                .forEach(e -> check(changelog, e.getMethod() + " " + e.getPathUrl(), "removed", unannounced));
        diff.getChangedOperations().stream()
                .filter(o -> o.isIncompatible())
                .forEach(o -> check(
                        changelog, o.getHttpMethod() + " " + o.getPathUrl(), "changed incompatibly", unannounced));
        assertEquals(
                List.of(),
                unannounced,
                "breaking changes against api/openapi.released.json that"
                        + " api/CHANGELOG.md does not announce (a line 'BREAKING: METHOD /path: why')");
    }

    @Test
    void theBreakingChangeCheckSeesARemovedOperationAndANewRequiredField() throws Exception {
        JsonObject released = new JsonObject(Files.readString(COMMITTED));
        JsonObject changed = released.copy();
        String someOperation =
                changed.getJsonObject("paths").fieldNames().iterator().next();
        changed.getJsonObject("paths").remove(someOperation);
        ChangedOpenApi diff = OpenApiCompare.fromContents(released.encode(), changed.encode());
        assertTrue(diff.isIncompatible(), "removing " + someOperation + " breaks clients");
        assertTrue(
                diff.getMissingEndpoints().stream().anyMatch(e -> e.getPathUrl().equals(someOperation)));
        assertTrue(OpenApiCompare.fromContents(released.encode(), released.encode())
                .isUnchanged());
    }

    @Test
    void anAnnouncementNamesOneOperationNotEveryPathItPrefixes() {
        List<String> unannounced = new ArrayList<>();
        String changelog = "- BREAKING: POST /v1/projects/{projectId}/backups: why\n";
        check(changelog, "POST /v1/projects", "changed incompatibly", unannounced);
        check(changelog, "POST /v1/projects/{projectId}/backups", "changed incompatibly", unannounced);
        assertEquals(List.of("POST /v1/projects changed incompatibly"), unannounced);
    }

    private static void check(String changelog, String operation, String what, List<String> unannounced) {
        Pattern line = Pattern.compile("(?m)^\\s*[-*]?\\s*BREAKING:\\s*" + Pattern.quote(operation) + "(?=[:\\s])");
        if (!line.matcher(changelog).find()) {
            unannounced.add(operation + " " + what);
        }
    }

    /** Where two documents first differ, as a JSON pointer and both values (shortened). */
    private static String firstDifference(Object expected, Object actual, String at) {
        if (expected instanceof JsonObject e && actual instanceof JsonObject a) {
            for (String k : new TreeSet<>(union(e.fieldNames(), a.fieldNames()))) {
                if (!Objects.equals(e.getValue(k), a.getValue(k))) {
                    return firstDifference(e.getValue(k), a.getValue(k), at + "/" + k.replace("/", "~1"));
                }
            }
        }
        return at + ": committed " + shorten(expected) + ", built " + shorten(actual);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static String shorten(Object value) {
        String s = String.valueOf(value);
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
