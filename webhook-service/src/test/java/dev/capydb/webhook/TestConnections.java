package dev.capydb.webhook;

import dev.capydb.webhook.integration.ConnectionSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Stands in for project-service's internal endpoint in service tests (the e2e uses the real one). */
@ApplicationScoped
public class TestConnections implements ConnectionSource {

    static String pooled(UUID projectId) {
        return "postgresql://prj_" + projectId.toString().substring(0, 8) + ":s3cret-" + projectId
                + "@127.0.0.1:6432/prj_" + projectId.toString().substring(0, 8) + "?sslmode=require";
    }

    static String unpooled(UUID projectId) {
        return pooled(projectId).replace(":6432/", ":15433/");
    }

    @Override
    public Urls fetch(UUID projectId) {
        return new Urls(pooled(projectId), unpooled(projectId));
    }
}
