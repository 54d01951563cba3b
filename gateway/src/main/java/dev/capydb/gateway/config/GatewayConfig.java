package dev.capydb.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The gateway's typed settings: where services live, which paths each owns, and the rate limits. */
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

    /**
     * Token buckets: per token subject, and per client address for calls without a valid token. Rates and bursts are
     * for the whole gateway; each of {@link #replicas()} replicas enforces its share (docs/security.md, "Rate limits
     * at the gateway").
     */
    interface RateLimit {
        @WithDefault("50")
        double requestsPerSecond();

        @WithDefault("100")
        int burst();

        /** Calls without a token, or with one that fails validation, by client address. */
        Anonymous anonymous();

        /** Tokens a heavy call costs (see {@code RequestWeights}); every other call costs 1. */
        @WithDefault("10")
        int expensiveWeight();

        /** How many gateway replicas share the limits; each enforces 1/replicas of them. */
        @WithDefault("1")
        int replicas();

        /** The per-address bucket: small, as such a call can only be answered 401 (or get the OpenAPI document). */
        interface Anonymous {
            @WithDefault("5")
            double requestsPerSecond();

            @WithDefault("20")
            int burst();
        }
    }
}
