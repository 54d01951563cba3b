package dev.capydb.webhook.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/** The columns webhook-service keeps sealed; the chassis seals them again at each start (ResealAtStart). */
@Dependent
public class SealedColumns {

    @Produces
    static final SealedColumn WEBHOOK_SECRET = Webhook.SECRET;

    @Produces
    static final SealedColumn WEBHOOK_PREVIOUS_SECRET = Webhook.PREVIOUS_SECRET;

    @Produces
    static final SealedColumn INTEGRATION_TOKEN = Integration.TOKEN;
}
