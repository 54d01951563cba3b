package dev.capydb.chassis.openapi;

/**
 * The refusal texts many operations share, for the {@code @APIResponse} descriptions that name their codes. A method
 * that declares one also declares a bare {@code @APIResponse(responseCode = "200")}: SmallRye infers the success
 * response from the return type only when no response or an incomplete one is declared.
 */
public final class Refusals {

    /** Every operation under a project: another organization's project is not revealed, so not 403. */
    public static final String PROJECT_NOT_FOUND = "`not_found`: no such project in an organization you belong to";

    public static final String ADMIN_ONLY = "`forbidden`: this needs the org admin role";
    public static final String OPERATOR_ONLY = "`forbidden`: this needs the platform operator role";
    /** The JSON reader's answer to a body field the operation does not know. */
    public static final String UNKNOWN_FIELD =
            "`unknown_field`: a body field this call does not know; nothing was done";

    public static final String PAGING = "`cursor` or `limit` out of bounds";

    private Refusals() {}
}
