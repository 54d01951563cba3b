package dev.capydb.cutover.rest;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.paging.Page;
import dev.capydb.cutover.repository.CutoverRequest;
import dev.capydb.cutover.repository.CutoverStatus;
import dev.capydb.cutover.rest.CutoverDtos.CutoverBody;
import dev.capydb.cutover.service.PreviewReadModel;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;

/** Renders requests with their preview's last known state; parses the {@code status} filter both APIs share. */
@ApplicationScoped
public class Bodies {

    private final PreviewReadModel previews;

    public Bodies(PreviewReadModel previews) {
        this.previews = previews;
    }

    CutoverBody of(CutoverRequest r) {
        return QuarkusTransaction.joiningExisting().call(() -> CutoverBody.of(r, previews.find(r.previewId)));
    }

    Page<CutoverBody> of(Page<CutoverRequest> page) {
        return QuarkusTransaction.joiningExisting().call(() -> page.map(this::of));
    }

    static CutoverStatus status(String wire) {
        if (wire == null || wire.isBlank()) {
            return null;
        }
        return CutoverStatus.fromWire(wire)
                .orElseThrow(() -> ApiException.invalid(
                        "status", "must be one of open, acked, rejected, cancelled, in_progress, completed, failed"));
    }
}
