package dev.capydb.chassis.errors;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects every invalid field of a request before refusing it once with 422 {@code validation_failed}. */
public final class Validation {

    private final List<Problem.FieldError> errors = new ArrayList<>();

    public static Validation start() {
        return new Validation();
    }

    /** Records {@code message} for {@code field} unless {@code ok}. */
    public Validation check(boolean ok, String field, String message) {
        if (!ok) {
            errors.add(new Problem.FieldError(field, message));
        }
        return this;
    }

    public <T> Validation check(T value, Predicate<T> ok, String field, String message) {
        return check(ok.test(value), field, message);
    }

    /** Throws when anything was recorded. */
    public void orThrow() {
        if (errors.isEmpty()) {
            return;
        }
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid: "
                        + String.join(
                                ", ",
                                errors.stream().map(Problem.FieldError::field).toList());
        throw new ApiException(422, "validation_failed", detail, List.copyOf(errors));
    }
}
