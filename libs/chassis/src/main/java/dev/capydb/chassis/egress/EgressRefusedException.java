package dev.capydb.chassis.egress;

/** A user-chosen outbound target that must not be contacted; the message is safe to show the user. */
public class EgressRefusedException extends Exception {

    /** Why: the host is written in a form we do not accept, or an address it resolves to is not public. */
    public enum Reason {
        AMBIGUOUS_HOST,
        NOT_PUBLIC,
        UNRESOLVABLE
    }

    private final Reason reason;

    public EgressRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
