package dev.capydb.chassis;

import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.ProjectPayload;
import java.time.Instant;
import java.util.UUID;

/** Project events for the chassis tests (org {@code acme} so the test tokens can reach them). */
final class TestEvents {

    private TestEvents() {}

    static EventEnvelope project(EventType type, UUID projectId, String status, long version) {
        Instant now = Instant.now();
        return EventEnvelope.of(
                type,
                "chassis-test",
                "acme",
                projectId,
                null,
                new ProjectPayload(
                        projectId,
                        "acme",
                        "chassis-test",
                        "local-1",
                        "free",
                        512L << 20,
                        "local-1",
                        "prj_test",
                        "prj_test",
                        status,
                        true,
                        version,
                        now,
                        now));
    }
}
