package dev.capydb.cli.auth;

/** The token endpoint's answer, success or OAuth error ({@code error}, {@code error_description}). */
public record TokenResponse(
        String accessToken,
        String refreshToken,
        Long expiresIn,
        Long refreshExpiresIn,
        String error,
        String errorDescription) {

    public Credentials toCredentials(String issuer, String clientId, String username, long nowEpochSeconds) {
        long expires = nowEpochSeconds + (expiresIn == null ? 60 : expiresIn);
        long refreshExpires =
                refreshExpiresIn == null || refreshExpiresIn == 0 ? 0 : nowEpochSeconds + refreshExpiresIn;
        return new Credentials(issuer, clientId, username, accessToken, refreshToken, expires, refreshExpires);
    }
}
