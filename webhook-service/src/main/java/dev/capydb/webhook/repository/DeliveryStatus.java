package dev.capydb.webhook.repository;

import java.util.EnumSet;
import java.util.Set;

/** A delivery's life: pending until an attempt succeeds or every attempt is spent; a redelivery reopens it. */
public enum DeliveryStatus {
    PENDING,
    DELIVERED,
    FAILED;

    public String wire() {
        return name().toLowerCase();
    }

    public static DeliveryStatus of(String wire) {
        return valueOf(wire.toUpperCase());
    }

    public Set<DeliveryStatus> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(PENDING, DELIVERED, FAILED);
            case DELIVERED, FAILED -> EnumSet.of(PENDING);
        };
    }

    public boolean canBecome(DeliveryStatus target) {
        return next().contains(target);
    }
}
