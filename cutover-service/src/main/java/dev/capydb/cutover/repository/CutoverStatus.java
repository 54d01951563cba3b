package dev.capydb.cutover.repository;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * A cutover request's lifecycle with its only legal transitions: {@code open → acked|rejected|cancelled},
 * {@code acked → in_progress}, {@code in_progress → completed|failed}. Nothing leaves a final state, so a failed
 * cutover stays failed (no retry).
 */
public enum CutoverStatus {
    OPEN,
    ACKED,
    REJECTED,
    CANCELLED,
    IN_PROGRESS,
    COMPLETED,
    FAILED;

    public Set<CutoverStatus> next() {
        return switch (this) {
            case OPEN -> Set.of(ACKED, REJECTED, CANCELLED);
            case ACKED -> Set.of(IN_PROGRESS);
            case IN_PROGRESS -> Set.of(COMPLETED, FAILED);
            case REJECTED, CANCELLED, COMPLETED, FAILED -> Set.of();
        };
    }

    public boolean canMoveTo(CutoverStatus target) {
        return next().contains(target);
    }

    /** Not yet finished: the preview is spoken for. */
    public boolean active() {
        return this == OPEN || this == ACKED || this == IN_PROGRESS;
    }

    public String wire() {
        return name().toLowerCase();
    }

    /** Parses the wire form ({@code in_progress}); empty for anything else. */
    public static Optional<CutoverStatus> fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }
}
