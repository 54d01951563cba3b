package dev.capydb.cutover.messaging;

import dev.capydb.chassis.consistency.Feed;
import dev.capydb.chassis.inbox.Inbox;
import dev.capydb.cutover.service.CutoverSaga;
import dev.capydb.cutover.service.PreviewReadModel;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventType;
import dev.capydb.events.PreviewPayload;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * What cutover-service hears from other domains, each exactly once through the inbox: backup outcomes
 * ({@code capydb.backups}), restore outcomes and preview announcements ({@code capydb.restores}).
 */
@ApplicationScoped
public class SagaConsumers {

    /** Restore events, from which the previews a cutover may promote are known. */
    public static final Feed PREVIEWS = new Feed("restores", "cutover-saga-restores");

    private final Inbox inbox;
    private final CutoverSaga saga;
    private final PreviewReadModel previews;

    public SagaConsumers(Inbox inbox, CutoverSaga saga, PreviewReadModel previews) {
        this.inbox = inbox;
        this.saga = saga;
        this.previews = previews;
    }

    @Incoming("backups")
    @Blocking
    public void onBackupEvent(ConsumerRecord<String, String> record) {
        inbox.processReactive("cutover-saga-backups", record, saga::onBackupOutcome);
    }

    @Incoming("restores")
    @Blocking
    public void onRestoreEvent(ConsumerRecord<String, String> record) {
        inbox.processReactive(PREVIEWS.consumer(), record, this::restoreDomain);
    }

    private Uni<Void> restoreDomain(EventEnvelope e) {
        if (EventType.PREVIEW_READY.wireName().equals(e.type())
                || EventType.PREVIEW_EXPIRING.wireName().equals(e.type())
                || EventType.PREVIEW_EXPIRED.wireName().equals(e.type())) {
            return previews.apply(e.dataAs(PreviewPayload.class), e.time());
        }
        return saga.onRestoreOutcome(e);
    }
}
