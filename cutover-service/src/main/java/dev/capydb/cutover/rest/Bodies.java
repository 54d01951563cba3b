package dev.capydb.cutover.rest;

import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.paging.Page;
import dev.capydb.cutover.repository.CutoverRequest;
import dev.capydb.cutover.repository.CutoverStatus;
import dev.capydb.cutover.rest.CutoverDtos.CutoverBody;
import dev.capydb.cutover.service.PreviewReadModel;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Renders requests with their preview's last known state; parses the {@code status} filter both APIs share. */
@ApplicationScoped
public class Bodies {

    private final PreviewReadModel previews;

    public Bodies(PreviewReadModel previews) {
        this.previews = previews;
    }

    /** In the caller's session. */
    Uni<CutoverBody> of(CutoverRequest r) {
        return previews.find(r.previewId).map(preview -> CutoverBody.of(r, preview));
    }

    /** In the caller's session, one preview after the other: a session runs one query at a time. */
    Uni<Page<CutoverBody>> of(Page<CutoverRequest> page) {
        return Multi.createFrom()
                .iterable(page.items())
                .onItem()
                .transformToUniAndConcatenate(this::of)
                .collect()
                .asList()
                .map(bodies -> new Page<>(bodies, page.nextCursor()));
    }

    /** A request a write just committed, rendered in a session of its own. */
    Uni<CutoverBody> committed(CutoverRequest r) {
        return Panache.withSession(() -> of(r));
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
