package dev.capydb.webhook.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Delivery timing and limits, the integration providers' base URLs, and how to reach project-service. */
@ConfigMapping(prefix = "capydb.webhooks")
public interface WebhookConfig {

    /** Delay before each attempt (Standard Webhooks' schedule); its length is the number of attempts. */
    @WithDefault("0s,5s,5m,30m,2h,5h,10h,10h")
    List<Duration> retryDelays();

    /** Each retry delay is moved by up to this fraction either way so endpoints are not hit in lockstep. */
    @WithDefault("0.1")
    double jitter();

    /** An endpoint must answer 2xx within this time. */
    @WithDefault("15s")
    Duration requestTimeout();

    /**
     * How much of an endpoint's answer is read. Only its status and headers matter; an endpoint streaming an endless
     * body has its connection dropped here instead of growing the heap.
     */
    @WithDefault("65536")
    int maxResponseBytes();

    /** Endpoints one project may have; {@code GET …/webhooks/limits} shows it with the count. */
    @WithDefault("10")
    int maxPerProject();

    /** Attempts in flight to one endpoint at once: a slow endpoint only ever holds its own slots. */
    @WithDefault("8")
    int perEndpointConcurrency();

    /** Attempts in flight across all endpoints in this replica. */
    @WithDefault("256")
    int maxInFlight();

    /** How often the dispatcher looks for due deliveries when nothing woke it. */
    @WithDefault("1s")
    Duration pollInterval();

    /** How long the previous secret keeps signing after a rotation. */
    @WithDefault("24h")
    Duration secretGrace();

    /** A longest {@code Retry-After} we honour; beyond it the endpoint is treated as failing. */
    @WithDefault("10h")
    Duration maxRetryAfter();

    @WithDefault("true")
    boolean dispatcherEnabled();

    /** Base URL of project-service (its internal connection endpoint); the REST client's URL reads it. */
    String projectServiceUrl();

    /** OAuth2 token endpoint for this service's client-credentials token; the OIDC client's token path reads it. */
    String tokenUrl();

    /** The Keycloak client whose service account calls project-service; the OIDC client's client id reads it. */
    String clientId();

    /** That client's secret; the OIDC client's credentials read it. Without it no connection string is fetched. */
    Optional<String> clientSecret();

    String vercelBaseUrl();

    String netlifyBaseUrl();

    /** How often the env-push worker looks for due syncs (read by its {@code @Scheduled}). */
    @WithDefault("2s")
    String syncPoll();

    /** Delays between attempts of an env push. */
    @WithDefault("0s,5s,30s,2m,10m,30m")
    List<Duration> syncRetryDelays();
}
