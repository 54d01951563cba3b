package dev.capydb.cutover.messaging;

import dev.capydb.chassis.outbox.ReactiveOutbox;
import dev.capydb.cutover.repository.CutoverRequest;
import dev.capydb.events.CutoverPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Announces each step of a cutover request on {@code capydb.cutovers} through the outbox (correlation id = request). */
@ApplicationScoped
public class CutoverEvents {

    static final String SOURCE = "cutover-service";

    private final ReactiveOutbox outbox;

    public CutoverEvents(ReactiveOutbox outbox) {
        this.outbox = outbox;
    }

    /** Must run in the reactive transaction that moved the request to the state this event announces. */
    public Uni<Void> step(EventType type, CutoverRequest r) {
        return outbox.publish(EventEnvelope.of(
                type,
                SOURCE,
                r.orgId,
                r.projectId,
                r.id.toString(),
                new CutoverPayload(
                        r.id,
                        r.projectId,
                        r.previewId,
                        r.status.wire(),
                        r.externalTicketRef,
                        r.preCutoverBackupId,
                        r.reason)));
    }
}
