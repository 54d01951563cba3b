package dev.capydb.e2e;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter.OpenApiValidationException;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.stream.Collectors;

/**
 * The contract gate: a REST Assured filter that checks each request and its response against the committed contract
 * ({@code api/openapi.json}, which {@code ContractE2EIT} proves the gateway serves) with Atlassian's validator. A call that breaks the contract (a status
 * the document does not list, a field of the wrong type, a null it does not allow, an undocumented field) fails
 * with the operation and each violation.
 */
final class Contract implements Filter {

    private static volatile Contract instance;

    private final OpenApiValidationFilter validator;

    private Contract(OpenApiValidationFilter validator) {
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

    /** The filter, built once. */
    static Contract filter() {
        Contract c = instance;
        if (c == null) {
            synchronized (Contract.class) {
                if (instance == null) {
                    String document = document();
                    instance = new Contract(new OpenApiValidationFilter(
                            OpenApiInteractionValidator.createForInlineApiSpecification(document).build()));
                }
                c = instance;
            }
        }
        return c;
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                           FilterContext ctx) {
        try {
            return validator.filter(request, response, ctx);
        } catch (OpenApiValidationException e) {
            throw new AssertionError("the API broke its contract on " + request.getMethod() + " "
                    + request.getURI() + ":\n" + e.getValidationReport().getMessages().stream()
                    .map(m -> "  - [" + m.getKey() + "] " + m.getMessage())
                    .collect(Collectors.joining("\n")));
        }
    }
}
