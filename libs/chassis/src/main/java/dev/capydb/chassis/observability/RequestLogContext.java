package dev.capydb.chassis.observability;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.MDC;

/**
 * Puts the request id (from the gateway's {@code X-Request-Id}) and the project id of the path into the logging
 * context, so every line a request logs can be found by either; both leave again with the response.
 */
@Provider
public class RequestLogContext implements ContainerRequestFilter, ContainerResponseFilter {

    public static final String REQUEST_ID = "request_id";
    public static final String PROJECT_ID = "project_id";
    static final String HEADER = "X-Request-Id";

    /** The gateway only forwards sane ids; a direct caller's header is still bounded before it reaches a log. */
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private static final Pattern PROJECT_PATH = Pattern.compile("(?:^|/)projects/([0-9a-fA-F-]{36})(?:/|$)");

    @Override
    public void filter(ContainerRequestContext request) {
        String given = request.getHeaderString(HEADER);
        MDC.put(
                REQUEST_ID,
                given != null && SANE_ID.matcher(given).matches()
                        ? given
                        : UUID.randomUUID().toString());
        projectOf(request.getUriInfo().getPath()).ifPresent(p -> MDC.put(PROJECT_ID, p));
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        MDC.remove(REQUEST_ID);
        MDC.remove(PROJECT_ID);
    }

    /** The project a request path is about ({@code …/projects/<uuid>/…}), if any. */
    public static Optional<String> projectOf(String path) {
        Matcher m = PROJECT_PATH.matcher(path == null ? "" : path);
        return m.find() ? Optional.of(m.group(1).toLowerCase()) : Optional.empty();
    }
}
