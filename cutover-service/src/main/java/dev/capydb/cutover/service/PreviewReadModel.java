package dev.capydb.cutover.service;

import dev.capydb.cutover.repository.PreviewView;
import dev.capydb.events.PreviewPayload;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The previews restore-service announced ({@code preview.ready|expiring|expired}), newest announcement winning. */
@ApplicationScoped
public class PreviewReadModel {

    /** Records what the event says of its preview, unless an event already seen is newer. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void apply(PreviewPayload p, Instant eventTime) {
        PreviewView v = PreviewView.findById(p.previewId(), LockModeType.PESSIMISTIC_WRITE);
        if (v == null) {
            v = new PreviewView();
            v.previewId = p.previewId();
        } else if (v.eventTime.isAfter(eventTime)) {
            return;
        }
        v.projectId = p.projectId();
        v.name = p.name();
        v.status = p.status();
        v.expiresAt = p.expiresAt();
        v.eventTime = eventTime;
        v.persist();
    }

    public Optional<PreviewView> find(UUID previewId) {
        return PreviewView.findByIdOptional(previewId);
    }
}
