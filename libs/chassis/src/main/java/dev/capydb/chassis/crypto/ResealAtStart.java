package dev.capydb.chassis.crypto;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

/**
 * At each start, seals again under the active key every value of the sealed columns the service declares (each a
 * {@code @Produces SealedColumn}): values of before ({@code v1}) and values under an older key.
 */
@ApplicationScoped
public class ResealAtStart {

    private final Reseal reseal;
    private final Instance<SealedColumn> columns;

    public ResealAtStart(Reseal reseal, Instance<SealedColumn> columns) {
        this.reseal = reseal;
        this.columns = columns;
    }

    void onStart(@Observes StartupEvent start) {
        if (!columns.isUnsatisfied()) {
            reseal.atStart(columns.stream().toArray(SealedColumn[]::new));
        }
    }
}
