package dev.capydb.chassis.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Renders every failure of a REST call as problem+json with a stable code; never a stack trace. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e, HttpServerRequest request) {
        return respond(e.status(), e.code(), e.getMessage(), e.errors(), request);
    }

    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthorized(RuntimeException e, HttpServerRequest request) {
        return Response.fromResponse(respond(401, "unauthorized", "a valid bearer token is required", null, request))
                .header("WWW-Authenticate", "Bearer")
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, HttpServerRequest request) {
        return respond(403, "forbidden", "this action needs a role you do not have", null, request);
    }

    /** Quarkus REST maps this subtype itself unless a mapper names it exactly. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        return badJson(e, request);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, HttpServerRequest request) {
        if (e instanceof MismatchedInputException mismatch
                && !mismatch.getPath().isEmpty()) {
            String field = mismatch.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            if (e instanceof UnrecognizedPropertyException unknown) {
                String known = unknown.getKnownPropertyIds().stream()
                        .map(String::valueOf)
                        .sorted()
                        .collect(Collectors.joining(", "));
                String message = "is not a field of this request (known: " + known + ")";
                return respond(
                        422,
                        "unknown_field",
                        field + ": " + message + "; nothing was done",
                        List.of(new Problem.FieldError(field, message)),
                        request);
            }
            String message = e instanceof InvalidFormatException ? "has the wrong type or format" : "is malformed";
            return respond(
                    422,
                    "validation_failed",
                    field + ": " + message,
                    List.of(new Problem.FieldError(field, message)),
                    request);
        }
        return respond(400, "malformed_json", "the request body is not valid JSON", null, request);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, HttpServerRequest request) {
        // The JSON reader reports unreadable bodies as a bare 400 wrapping Jackson's error.
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException json) {
                return badJson(json, request);
            }
        }
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
        String detail = status == 404 ? "no such resource" : status >= 500 ? "internal error" : e.getMessage();
        return respond(status, code, detail, null, request);
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e, HttpServerRequest request) {
        LOG.errorf(e, "unhandled error on %s %s", request.method(), request.path());
        return respond(500, "internal_error", "an internal error occurred; it has been logged", null, request);
    }

    static Response respond(
            int status, String code, String detail, List<Problem.FieldError> errors, HttpServerRequest request) {
        String requestId = request == null ? null : request.getHeader("X-Request-Id");
        Problem problem = new Problem(
                "https://docs.capydb.dev/errors/" + code,
                title(status),
                status,
                code,
                detail,
                request == null ? null : request.path(),
                requestId,
                errors);
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static String title(int status) {
        Response.Status s = Response.Status.fromStatusCode(status);
        return s != null ? s.getReasonPhrase() : (status == 422 ? "Unprocessable Content" : "Error");
    }
}
