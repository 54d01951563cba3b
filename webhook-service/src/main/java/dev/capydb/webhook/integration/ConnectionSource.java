package dev.capydb.webhook.integration;

import java.io.IOException;
import java.util.UUID;

/** Where the project's current connection strings come from when they are pushed to a provider. */
public interface ConnectionSource {

    /** {@code DATABASE_URL} (pooled) and {@code DATABASE_URL_UNPOOLED}. */
    record Urls(String databaseUrl, String databaseUrlUnpooled) {}

    Urls fetch(UUID projectId) throws IOException;
}
