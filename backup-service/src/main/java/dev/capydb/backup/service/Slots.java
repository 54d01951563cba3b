package dev.capydb.backup.service;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** Daily UTC slot arithmetic for schedules. */
public final class Slots {

    private Slots() {}

    /** The first {@code hour:minute} UTC strictly after {@code now}. */
    public static Instant nextAfter(Instant now, int hour, int minute) {
        ZonedDateTime t = now.atZone(ZoneOffset.UTC)
                .withHour(hour)
                .withMinute(minute)
                .withSecond(0)
                .withNano(0);
        if (!t.toInstant().isAfter(now)) {
            t = t.plusDays(1);
        }
        return t.toInstant();
    }
}
