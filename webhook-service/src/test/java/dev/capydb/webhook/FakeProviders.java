package dev.capydb.webhook;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts a local server standing in for the Vercel and Netlify REST APIs and points the service at it. */
public class FakeProviders implements QuarkusTestResourceLifecycleManager {

    static Receiver server;

    @Override
    public Map<String, String> start() {
        try {
            server = new Receiver();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("capydb.webhooks.vercel-base-url", server.url("").replaceAll("/$", ""),
                "capydb.webhooks.netlify-base-url", server.url("").replaceAll("/$", ""));
    }

    @Override
    public void stop() {
        server.close();
    }
}
