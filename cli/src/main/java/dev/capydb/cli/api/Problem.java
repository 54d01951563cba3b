package dev.capydb.cli.api;

import java.util.List;

/** An RFC 9457 problem document as the services send it, with our stable {@code code}. */
public record Problem(
        String type,
        String title,
        int status,
        String code,
        String detail,
        String instance,
        String requestId,
        List<FieldError> errors) {

    /** One invalid input field. */
    public record FieldError(String field, String message) {}
}
