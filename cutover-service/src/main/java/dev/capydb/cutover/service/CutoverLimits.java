package dev.capydb.cutover.service;

/**
 * The lengths of a cutover request's free texts, as the product page states them. They are part of the API contract
 * (the document's {@code maxLength}), so they are constants, not settings a deployment could make untrue.
 */
public final class CutoverLimits {

    /** Longest {@code customer_note}. */
    public static final int CUSTOMER_NOTE = 1000;
    /** Longest {@code external_ticket_ref}. */
    public static final int TICKET_REF = 120;
    /** Longest operator {@code reason} (reject, mark failed). */
    public static final int REASON = 1000;

    private CutoverLimits() {}
}
