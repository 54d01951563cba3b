package dev.capydb.e2e;

import static io.restassured.RestAssured.given;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter;
import com.atlassian.oai.validator.restassured.OpenApiValidationFilter.OpenApiValidationException;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.util.stream.Collectors;

/**
 * The contract gate: a REST Assured filter that checks each request and its response against the document the
 * gateway serves ({@code /v1/openapi.json}) with Atlassian's validator. A call that breaks the contract (a status
 * the document does not list, a field of the wrong type, a null it does not allow, an undocumented field) fails
 * with the operation and each violation.
 */
final class Contract implements Filter {

    private static volatile Contract instance;

    private final OpenApiValidationFilter validator;

    private Contract(OpenApiValidationFilter validator) {
        this.validator = validator;
    }

    /** The filter, built once from the document as the running gateway serves it. */
    static Contract filter() {
        Contract c = instance;
        if (c == null) {
            synchronized (Contract.class) {
                if (instance == null) {
                    String document = given().baseUri(Stack.gateway()).get("/v1/openapi.json").then().statusCode(200)
                            .extract().asString();
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
