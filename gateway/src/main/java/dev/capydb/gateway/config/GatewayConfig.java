package dev.capydb.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The gateway's typed settings: where services live, which paths each owns, and the rate limit. */
@ConfigMapping(prefix = "capydb.gateway")
public interface GatewayConfig {

    /** Base URL of each service by name. */
    Map<String, String> services();

    /** Path patterns owned by each service (same names as {@link #services()}). */
    Map<String, List<String>> routes();

    RateLimit rateLimit();

    /** How long the merged OpenAPI document is cached. */
    @WithDefault("PT30S")
    Duration openapiCacheTtl();

    /** Where the dashboard logs in. */
    Ui ui();

    /** The issuer the browser reaches and the dashboard's public client. */
    interface Ui {
        String issuer();

        @WithDefault("capydb-ui")
        String clientId();
    }

    /** Per-principal token bucket. */
    interface RateLimit {
        @WithDefault("50")
        double requestsPerSecond();

        @WithDefault("100")
        int burst();
    }
}
