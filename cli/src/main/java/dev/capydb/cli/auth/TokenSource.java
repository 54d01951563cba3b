package dev.capydb.cli.auth;

import dev.capydb.cli.api.ApiException;
import java.net.http.HttpClient;
import java.util.function.LongSupplier;

/**
 * The bearer token for API calls: {@code CAPYDB_TOKEN} if set (used as is, never refreshed), else the cached login,
 * refreshed when it has expired or the API says 401.
 */
public final class TokenSource {

    private final String envToken;
    private final TokenCache cache;
    private final HttpClient http;
    private final LongSupplier clock;
    private Credentials current;

    public TokenSource(String envToken, TokenCache cache, HttpClient http, LongSupplier epochSeconds) {
        this.envToken = envToken == null || envToken.isBlank() ? null : envToken.strip();
        this.cache = cache;
        this.http = http;
        this.clock = epochSeconds;
    }

    public String token() {
        if (envToken != null) {
            return envToken;
        }
        if (current == null) {
            current = cache.load()
                    .orElseThrow(() -> ApiException.local(
                            "not_logged_in", "not logged in: run 'capydb login' or set CAPYDB_TOKEN"));
        }
        if (current.accessExpired(clock.getAsLong())) {
            refresh();
        }
        return current.accessToken();
    }

    /** After a 401: true when a fresh token is worth one retry. */
    public boolean refreshAfterUnauthorized() {
        if (envToken != null || current == null || !current.canRefresh(clock.getAsLong())) {
            return false;
        }
        try {
            refresh();
            return true;
        } catch (ApiException e) {
            return false;
        }
    }

    private void refresh() {
        if (!current.canRefresh(clock.getAsLong())) {
            throw ApiException.local("not_logged_in", "the login has expired: run 'capydb login' again");
        }
        OidcClient oidc = new OidcClient(current.issuer(), current.clientId(), http, clock);
        try {
            current = oidc.refresh(current);
        } catch (ApiException e) {
            throw ApiException.local(
                    "not_logged_in", "the login has expired (" + e.getMessage() + "): run 'capydb login' again");
        }
        cache.save(current);
    }
}
