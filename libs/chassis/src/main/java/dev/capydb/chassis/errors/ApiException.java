package dev.capydb.chassis.errors;

import java.util.List;

/** A refusal with an HTTP status and a stable code, rendered as problem+json; nothing was changed. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<Problem.FieldError> errors;

    public ApiException(int status, String code, String detail) {
        this(status, code, detail, null);
    }

    public ApiException(int status, String code, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.status = status;
        this.code = code;
        this.errors = errors;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " was not found");
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", detail);
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, detail);
    }

    /** 422 naming one field. */
    public static ApiException invalid(String field, String message) {
        return new ApiException(
                422, "validation_failed", field + ": " + message, List.of(new Problem.FieldError(field, message)));
    }

    public static ApiException projectBusy(String detail) {
        return new ApiException(409, "project_busy", detail);
    }
}
