package dev.capydb.gateway.ui;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code GET /ui/config.json}, public: tells the dashboard (static files under META-INF/resources) which issuer and
 * public client to log in with, so the same assets work on any stack without a build-time setting.
 */
@ApplicationScoped
public class UiConfigRoute {

    private final String body;

    public UiConfigRoute(@ConfigProperty(name = "capydb.gateway.ui.issuer") String issuer,
                         @ConfigProperty(name = "capydb.gateway.ui.client-id") String clientId) {
        this.body = new JsonObject().put("issuer", issuer.replaceAll("/+$", "")).put("client_id", clientId).encode();
    }

    void register(@Observes Router router) {
        router.get("/ui/config.json").handler(rc -> rc.response()
                .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body));
    }
}
