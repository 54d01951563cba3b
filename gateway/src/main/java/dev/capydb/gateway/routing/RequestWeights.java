package dev.capydb.gateway.routing;

import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a call costs in rate-limit tokens: the calls that start heavy work on a database host or in object storage
 * (create a project, back up, import or ask for an import's upload slot or preflight, restore, execute a cutover)
 * cost {@code expensiveWeight}, every other call 1.
 */
public final class RequestWeights {

    /** The heavy calls, all POSTs; {@code *} is one path segment, as in the route table. */
    static final List<String> EXPENSIVE_POSTS = List.of(
            "/v1/projects",
            "/v1/projects/*/backups",
            "/v1/projects/*/imports",
            "/v1/projects/*/imports/uploads",
            "/v1/projects/*/imports/preflight",
            "/v1/projects/*/restores",
            "/v1/operator/cutover-requests/*/execute");

    // The services ignore matrix parameters (";...") when they match a path, so a call must not get cheaper with one.
    private static final Pattern MATRIX_PARAMETERS = Pattern.compile(";[^/]*");

    private final RouteTable expensive = new RouteTable(Map.of("expensive", EXPENSIVE_POSTS));
    private final int expensiveWeight;

    public RequestWeights(int expensiveWeight) {
        if (expensiveWeight < 1) {
            throw new IllegalArgumentException(
                    "capydb.gateway.rate-limit.expensive-weight must be at least 1, got " + expensiveWeight);
        }
        this.expensiveWeight = expensiveWeight;
    }

    /** The weight of a call; {@code path} as the router normalized it (dot segments resolved, no query string). */
    public int of(HttpMethod method, String path) {
        if (!HttpMethod.POST.equals(method)) {
            return 1;
        }
        String plain = MATRIX_PARAMETERS.matcher(path).replaceAll("");
        return expensive.serviceFor(plain).isPresent() ? expensiveWeight : 1;
    }

    /** The heaviest weight any call has. */
    public int max() {
        return expensiveWeight;
    }
}
