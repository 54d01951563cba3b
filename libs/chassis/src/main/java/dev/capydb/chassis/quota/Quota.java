package dev.capydb.chassis.quota;

import dev.capydb.chassis.errors.ApiException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A limit and how much of it is used: what the API shows under {@code …/limits} and what a refusal quotes. */
@Schema(description = "A limit and its current use")
public record Quota(
        @Schema(description = "How many are allowed", minimum = "0")
        int limit,

        @Schema(description = "How many exist now", minimum = "0")
        long used) {

    /** The stable code of a refusal for a reached limit. */
    public static final String EXCEEDED = "quota_exceeded";

    public boolean allowsOneMore() {
        return used < limit;
    }

    /** Throws the 409 that says which limit was reached and where to read it, unless one more fits. */
    public void requireRoomFor(String what, String where) {
        if (!allowsOneMore()) {
            throw new ApiException(
                    409,
                    EXCEEDED,
                    what + ": " + used + " of " + limit + " used (see " + where
                            + "); delete one first or ask for a higher limit");
        }
    }
}
