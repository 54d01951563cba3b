package dev.capydb.chassis.errors;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;

/**
 * A client that accepts only {@code application/problem+json} also gets the operation's own JSON. Clients generated
 * from the contract send exactly that for an operation whose only documented bodies are errors (a {@code DELETE}
 * answering 204): the resources produce {@code application/json}, so without this the call was refused with 406
 * before it ran (found by the generated Java SDK).
 */
@Provider
@PreMatching
public class ProblemAccept implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        String accept = request.getHeaderString(HttpHeaders.ACCEPT);
        if (accept == null) {
            return;
        }
        String lower = accept.toLowerCase(Locale.ROOT);
        if (lower.contains(Problem.MEDIA_TYPE)
                && !lower.contains("application/json")
                && !lower.contains("*/*")
                && !lower.contains("application/*")) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, accept + ", application/json");
        }
    }
}
