package dev.capydb.gateway.routing;

import dev.capydb.gateway.config.GatewayConfig;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The gateway's rate limits: a token bucket per token subject, and one per client address for calls without a valid
 * token, each this replica's share of the configured limit and spent by the call's weight. A refused call is answered
 * 429 here.
 */
// Singleton, not a lazy client proxy: built with GatewayRoutes at start-up, so a bad setting stops the start.
@Singleton
public class RequestLimits {

    private static final Logger LOG = Logger.getLogger(RequestLimits.class);

    private final RequestWeights weights;
    // Separate limiters: a flood of made-up addresses can churn only the anonymous buckets, never a principal's.
    private final RateLimiter principals;
    private final RateLimiter addresses;

    public RequestLimits(GatewayConfig config) {
        GatewayConfig.RateLimit limit = config.rateLimit();
        this.weights = new RequestWeights(limit.expensiveWeight());
        ReplicaShare perPrincipal =
                ReplicaShare.of(limit.requestsPerSecond(), limit.burst(), limit.replicas(), weights.max());
        ReplicaShare perAddress = ReplicaShare.of(
                limit.anonymous().requestsPerSecond(), limit.anonymous().burst(), limit.replicas(), weights.max());
        this.principals = new RateLimiter(perPrincipal.requestsPerSecond(), perPrincipal.burst(), System::nanoTime);
        this.addresses = new RateLimiter(perAddress.requestsPerSecond(), perAddress.burst(), System::nanoTime);
        LOG.infof(
                "rate limit of this replica (1 of %d): per principal %.3f/s, burst %d; per address without a valid"
                        + " token %.3f/s, burst %d; heavy calls weigh %d",
                limit.replicas(),
                perPrincipal.requestsPerSecond(),
                perPrincipal.burst(),
                perAddress.requestsPerSecond(),
                perAddress.burst(),
                weights.max());
    }

    /** Whether the caller with this token subject may go on; if not, the 429 has been sent. */
    public boolean admitPrincipal(RoutingContext rc, String principal) {
        return admit(rc, principals, principal);
    }

    /** Whether a caller without a valid token may go on (to its 401, mostly); if not, the 429 has been sent. */
    public boolean admitAnonymous(RoutingContext rc) {
        return admit(rc, addresses, ClientAddresses.key(rc.request().remoteAddress()));
    }

    private boolean admit(RoutingContext rc, RateLimiter limiter, String key) {
        RateLimiter.Decision decision =
                limiter.take(key, weights.of(rc.request().method(), rc.normalizedPath()));
        if (decision.allowed()) {
            return true;
        }
        rc.response().putHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
        Problems.send(
                rc,
                429,
                "Too Many Requests",
                "rate_limited",
                "too many requests; retry after " + decision.retryAfterSeconds() + " s");
        return false;
    }
}
