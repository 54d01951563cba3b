package dev.capydb.gateway.ui;

import dev.capydb.gateway.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code GET /ui/config.json}, public: tells the dashboard (static files under META-INF/resources) which issuer and
 * public client to log in with, so the same assets work on any stack without a build-time setting.
 */
@ApplicationScoped
public class UiConfigRoute {

    private final String body;

    public UiConfigRoute(GatewayConfig config) {
        this.body = new JsonObject()
                .put("issuer", config.ui().issuer().replaceAll("/+$", ""))
                .put("client_id", config.ui().clientId())
                .encode();
    }

    void register(@Observes Router router) {
        router.get("/ui/config.json")
                .handler(rc -> rc.response()
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "no-store")
                        .end(body));
    }
}
