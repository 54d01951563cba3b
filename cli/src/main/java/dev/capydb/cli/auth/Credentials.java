package dev.capydb.cli.auth;

/**
 * What {@code capydb login} caches: the tokens and where they came from, so a refresh goes to the same issuer.
 * Times are epoch seconds.
 */
public record Credentials(
        String issuer,
        String clientId,
        String username,
        String accessToken,
        String refreshToken,
        long expiresAt,
        long refreshExpiresAt) {

    /** Expired, or about to: a call started now should not race the expiry. */
    public boolean accessExpired(long nowEpochSeconds) {
        return expiresAt <= nowEpochSeconds + 30;
    }

    /** Keycloak says 0 for offline tokens, which do not expire on their own. */
    public boolean canRefresh(long nowEpochSeconds) {
        return refreshToken != null && (refreshExpiresAt == 0 || refreshExpiresAt > nowEpochSeconds + 5);
    }
}
