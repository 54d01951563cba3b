package dev.capydb.cutover.service;

import dev.capydb.cutover.repository.PreviewView;
import dev.capydb.events.PreviewPayload;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The previews restore-service announced ({@code preview.ready|expiring|expired}), newest announcement winning. */
@ApplicationScoped
public class PreviewReadModel {

    /** Records what the event says of its preview, unless an event already seen is newer. In the caller's transaction. */
    public Uni<Void> apply(PreviewPayload p, Instant eventTime) {
        return PreviewView.<PreviewView>findById(p.previewId(), LockModeType.PESSIMISTIC_WRITE)
                .chain(found -> {
                    if (found != null && found.eventTime.isAfter(eventTime)) {
                        return Uni.createFrom().voidItem();
                    }
                    PreviewView v = found;
                    if (v == null) {
                        v = new PreviewView();
                        v.previewId = p.previewId();
                    }
                    v.projectId = p.projectId();
                    v.name = p.name();
                    v.status = p.status();
                    v.expiresAt = p.expiresAt();
                    v.eventTime = eventTime;
                    // A row already loaded is flushed at commit; persisting it again is harmless.
                    return v.persist().replaceWithVoid();
                });
    }

    /** In the caller's session. */
    public Uni<Optional<PreviewView>> find(UUID previewId) {
        return PreviewView.<PreviewView>findById(previewId).map(Optional::ofNullable);
    }
}
