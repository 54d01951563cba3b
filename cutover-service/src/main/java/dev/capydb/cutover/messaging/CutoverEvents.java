package dev.capydb.cutover.messaging;

import dev.capydb.chassis.outbox.Outbox;
import dev.capydb.cutover.repository.CutoverRequest;
import dev.capydb.events.CutoverPayload;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import jakarta.enterprise.context.ApplicationScoped;

/** Announces each step of a cutover request on {@code capydb.cutovers} through the outbox (correlation id = request). */
@ApplicationScoped
public class CutoverEvents {

    static final String SOURCE = "cutover-service";

    private final Outbox outbox;

    public CutoverEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    /** Must run in the transaction that moved the request to the state this event announces. */
    public void step(EventType type, CutoverRequest r) {
        outbox.publish(EventEnvelope.of(
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
