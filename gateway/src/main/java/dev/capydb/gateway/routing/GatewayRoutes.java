package dev.capydb.gateway.routing;

import dev.capydb.gateway.config.GatewayConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * The gateway's only route: {@code /v1/*}. Assigns a request id, applies the rate limit (per principal, or per client
 * address without a valid token, so a flood of those is refused before its 401), requires a valid bearer token
 * (problem+json 401 otherwise), then streams the request to the owning service.
 */
@ApplicationScoped
public class GatewayRoutes {

    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);
    static final String OPENAPI_PATH = "/v1/openapi.json";

    private final RouteTable table;
    private final RequestLimits limits;
    private final OpenApiMerger openApi;
    private final Map<String, HttpProxy> proxies = new HashMap<>();

    public GatewayRoutes(GatewayConfig config, Vertx vertx, OpenApiMerger openApi, RequestLimits limits) {
        this.table = new RouteTable(config.routes());
        this.limits = limits;
        this.openApi = openApi;
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(5_000)
                .setMaxPoolSize(200)
                .setKeepAlive(true));
        config.services().forEach((name, url) -> {
            URI uri = URI.create(url);
            proxies.put(
                    name,
                    HttpProxy.reverseProxy(client)
                            .origin(uri.getPort(), uri.getHost())
                            .addInterceptor(new Interceptor(name)));
        });
        for (String service : config.routes().keySet()) {
            if (!proxies.containsKey(service)) {
                throw new IllegalStateException("route table names service '" + service + "' with no URL");
            }
        }
    }

    void register(@Observes Router router) {
        // Proactive authentication fails before our route runs; answer those failures as problems too.
        router.route().order(Integer.MIN_VALUE).failureHandler(rc -> {
            if (rc.failure() instanceof AuthenticationFailedException) {
                RequestIds.assign(rc);
                if (limits.admitAnonymous(rc)) {
                    rc.response().putHeader("WWW-Authenticate", "Bearer");
                    Problems.send(rc, 401, "Unauthorized", "unauthorized", "the bearer token is invalid or expired");
                }
            } else {
                rc.next();
            }
        });
        router.route("/v1/*").handler(this::handle);
    }

    void handle(RoutingContext rc) {
        RequestIds.assign(rc);
        SecurityIdentity identity = rc.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
        boolean anonymous = identity == null || identity.isAnonymous();
        // Before anything else, so a flood is refused before it costs a route lookup, a 401 or an OpenAPI merge.
        boolean admitted = anonymous ? limits.admitAnonymous(rc) : limits.admitPrincipal(rc, principal(identity));
        if (!admitted) {
            return;
        }
        String path = rc.request().path();
        if (OPENAPI_PATH.equals(path)) {
            openApi.serve(rc);
            return;
        }
        Optional<String> service = table.serviceFor(path);
        if (service.isEmpty()) {
            Problems.send(
                    rc,
                    404,
                    "Not Found",
                    "not_found",
                    "no API route " + rc.request().method() + " " + path);
            return;
        }
        if (anonymous) {
            rc.response().putHeader("WWW-Authenticate", "Bearer");
            Problems.send(rc, 401, "Unauthorized", "unauthorized", "a bearer token is required");
            return;
        }
        proxies.get(service.get()).handle(rc.request());
    }

    private static String principal(SecurityIdentity identity) {
        return identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null
                ? jwt.getSubject()
                : identity.getPrincipal().getName();
    }

    /** Turns an unreachable service into a 503 problem and stamps the request id on every response. */
    private static final class Interceptor implements ProxyInterceptor {
        private final String service;

        Interceptor(String service) {
            this.service = service;
        }

        @Override
        public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
            return context.sendRequest().recover(failure -> {
                LOG.warnf("%s is unreachable: %s", service, failure.getMessage());
                String requestId = context.request().headers().get(RequestIds.HEADER);
                Buffer body = Problems.body(
                        503,
                        "Service Unavailable",
                        "service_unavailable",
                        "the " + service + " service is not reachable right now; try again shortly",
                        context.request().proxiedRequest().path(),
                        requestId);
                ProxyResponse response = context.request()
                        .response()
                        .setStatusCode(503)
                        .putHeader("Content-Type", Problems.MEDIA_TYPE)
                        .putHeader("Retry-After", "5")
                        .setBody(Body.body(body));
                return Future.succeededFuture(response);
            });
        }

        @Override
        public Future<Void> handleProxyResponse(ProxyContext context) {
            String requestId = context.request().headers().get(RequestIds.HEADER);
            if (requestId != null) {
                context.response().headers().set(RequestIds.HEADER, requestId);
            }
            return context.sendResponse();
        }
    }
}
