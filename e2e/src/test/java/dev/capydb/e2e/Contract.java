package dev.capydb.e2e;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.Response;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The contract gate: checks a request and its response against the committed contract ({@code api/openapi.json},
 * which {@code ContractE2EIT} proves the gateway serves) with Atlassian's validator. The response must always be as
 * documented (a status the document lists, fields of the right type, no null it does not allow, no undocumented
 * field). A request outside the contract (a test sending a name that breaks its pattern, say) must be refused: the
 * API accepting it is a violation too, since a client generated from the document could never send it. The same check
 * serves REST Assured (as a filter, in the classes under {@link ContractGate}), child processes through
 * {@link ContractProxy} and the browser ({@code Dashboard}).
 */
final class Contract implements Filter {

    private static volatile Contract instance;

    private final OpenApiInteractionValidator validator;

    private Contract(OpenApiInteractionValidator validator) {
        this.validator = validator;
    }

    /** The committed contract. */
    static String document() {
        try {
            return Files.readString(StackControl.repo().resolve("api/openapi.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The check, built once. */
    static Contract get() {
        Contract c = instance;
        if (c == null) {
            synchronized (Contract.class) {
                if (instance == null) {
                    instance = new Contract(OpenApiInteractionValidator.createForInlineApiSpecification(document())
                            .build());
                }
                c = instance;
            }
        }
        return c;
    }

    /** What the exchange broke, each as {@code [key] message}; empty when it kept the contract. */
    List<String> violations(Request request, Response response) {
        List<String> out = new ArrayList<>();
        describe(validator.validateResponse(request.getPath(), request.getMethod(), response), out);
        if (response.getStatus() < 400) {
            describe(validator.validateRequest(request), out);
        }
        return out;
    }

    /** An exchange seen on the wire (by {@link ContractProxy} or the browser): what it broke, or empty. */
    Optional<String> check(Exchange e) {
        SimpleRequest.Builder request =
                new SimpleRequest.Builder(e.method(), e.uri().getRawPath());
        e.requestHeaders().forEach(request::withHeader);
        if (e.requestBody() != null && e.requestBody().length > 0) {
            request.withBody(e.requestBody());
        }
        if (e.uri().getRawQuery() != null) {
            for (String pair : e.uri().getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                request.withQueryParam(
                        decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        SimpleResponse.Builder response = SimpleResponse.Builder.status(e.status());
        e.responseHeaders().forEach(response::withHeader);
        if (e.responseBody() != null && e.responseBody().length > 0) {
            response.withBody(e.responseBody());
        }
        Request sent = request.build();
        List<String> found = violations(sent, response.build());
        return found.isEmpty() ? Optional.empty() : Optional.of(report(sent, e.status(), found));
    }

    /** Whether a path is an API call the contract describes (the document itself is not one of them). */
    static boolean describes(String path) {
        return path.startsWith("/v1/") && !path.equals("/v1/openapi.json");
    }

    /** One HTTP exchange as raw parts. */
    record Exchange(
            String method,
            URI uri,
            Map<String, List<String>> requestHeaders,
            byte[] requestBody,
            int status,
            Map<String, List<String>> responseHeaders,
            byte[] responseBody) {}

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** One line naming the call and each violation, for a failure message. */
    static String report(Request request, int status, List<String> violations) {
        return "the API broke its contract on " + request.getMethod() + " " + request.getPath() + " (answered " + status
                + "):\n  - " + String.join("\n  - ", violations);
    }

    private static void describe(ValidationReport report, List<String> out) {
        report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .forEach(m -> out.add("[" + m.getKey() + "] " + m.getMessage()));
    }

    @Override
    public io.restassured.response.Response filter(
            FilterableRequestSpecification request, FilterableResponseSpecification response, FilterContext ctx) {
        io.restassured.response.Response answer = ctx.next(request, response);
        Request sent = RestAssuredRequest.of(request);
        List<String> violations = violations(sent, RestAssuredResponse.of(answer));
        if (!violations.isEmpty()) {
            throw new AssertionError(report(sent, answer.getStatusCode(), violations));
        }
        return answer;
    }
}
