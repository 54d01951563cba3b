package dev.capydb.webhook.config;

import dev.capydb.webhook.delivery.RetrySchedule;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.concurrent.ThreadLocalRandom;

/** Beans built from configuration. */
@ApplicationScoped
public class Producers {

    @Produces
    @ApplicationScoped
    RetrySchedule retrySchedule(WebhookConfig config) {
        return new RetrySchedule(
                config.retryDelays(),
                config.jitter(),
                config.maxRetryAfter(),
                () -> ThreadLocalRandom.current().nextDouble());
    }
}
