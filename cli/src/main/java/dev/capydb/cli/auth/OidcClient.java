package dev.capydb.cli.auth;

import dev.capydb.cli.api.ApiException;
import dev.capydb.cli.api.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * The public OIDC client {@code capydb-cli}: password grant (local realm), device authorization grant (RFC 8628)
 * and refresh. Endpoints follow Keycloak's layout under the realm's issuer URL.
 */
public final class OidcClient {

    static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

    /** Waits between polls; tests pass one that does not sleep. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final String issuer;
    private final String clientId;
    private final HttpClient http;
    private final LongSupplier clock;

    public OidcClient(String issuer, String clientId, HttpClient http, LongSupplier epochSeconds) {
        this.issuer = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        this.clientId = clientId;
        this.http = http;
        this.clock = epochSeconds;
    }

    public String issuer() {
        return issuer;
    }

    public Credentials password(String username, String password) {
        TokenResponse t = token(form(
                "grant_type",
                "password",
                "client_id",
                clientId,
                "username",
                username,
                "password",
                password,
                "scope",
                "openid"));
        return ok(t, username);
    }

    public Credentials refresh(Credentials c) {
        TokenResponse t =
                token(form("grant_type", "refresh_token", "client_id", clientId, "refresh_token", c.refreshToken()));
        return ok(t, c.username());
    }

    /**
     * Starts the device flow. The client requires PKCE (S256), which Keycloak applies to the device grant too: the
     * challenge goes here and the verifier with every poll.
     */
    public DeviceAuthorization startDevice() {
        String verifier = verifier();
        HttpResponse<String> r = post(
                issuer + "/protocol/openid-connect/auth/device",
                form(
                        "client_id",
                        clientId,
                        "scope",
                        "openid",
                        "code_challenge",
                        challenge(verifier),
                        "code_challenge_method",
                        "S256"));
        if (r.statusCode() != 200) {
            TokenResponse t = Json.read(r.body(), TokenResponse.class);
            throw ApiException.local("login_failed", "device authorization refused: " + describe(t, r.statusCode()));
        }
        DeviceAuthorization d = Json.read(r.body(), DeviceAuthorization.class);
        return new DeviceAuthorization(
                d.deviceCode(),
                d.userCode(),
                d.verificationUri(),
                d.verificationUriComplete(),
                d.expiresIn(),
                d.interval(),
                verifier);
    }

    /** RFC 7636 §4.1: 32 random bytes, base64url. */
    static String verifier() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Polls the token endpoint until the user approves (or denies, or the code expires), at the server's interval,
     * five seconds slower after every {@code slow_down} (RFC 8628 §3.5).
     */
    public Credentials pollDevice(DeviceAuthorization d, Sleeper sleeper) throws InterruptedException {
        long interval = d.interval() == null || d.interval() <= 0 ? 5 : d.interval();
        long deadline = clock.getAsLong() + (d.expiresIn() == null ? 600 : d.expiresIn());
        while (true) {
            sleeper.sleep(Duration.ofSeconds(interval));
            TokenResponse t = token(form(
                    "grant_type",
                    DEVICE_GRANT,
                    "client_id",
                    clientId,
                    "device_code",
                    d.deviceCode(),
                    "code_verifier",
                    d.codeVerifier()));
            if (t.accessToken() != null) {
                return t.toCredentials(issuer, clientId, null, clock.getAsLong());
            }
            String error = t.error() == null ? "" : t.error();
            switch (error) {
                case "authorization_pending" -> {}
                case "slow_down" -> interval += 5;
                case "access_denied" -> throw ApiException.local("login_failed", "the login was denied");
                case "expired_token" ->
                    throw ApiException.local("login_failed", "the code expired; run capydb login again");
                default -> throw ApiException.local("login_failed", describe(t, 400));
            }
            if (clock.getAsLong() >= deadline) {
                throw ApiException.local("login_failed", "the code expired; run capydb login again");
            }
        }
    }

    private Credentials ok(TokenResponse t, String username) {
        if (t.accessToken() == null) {
            throw ApiException.local("login_failed", describe(t, 400));
        }
        return t.toCredentials(issuer, clientId, username, clock.getAsLong());
    }

    private TokenResponse token(String form) {
        HttpResponse<String> r = post(issuer + "/protocol/openid-connect/token", form);
        if (r.body() == null || r.body().isBlank()) {
            return new TokenResponse(null, null, null, null, "http_" + r.statusCode(), null);
        }
        return Json.read(r.body(), TokenResponse.class);
    }

    private HttpResponse<String> post(String url, String form) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ApiException.local("unreachable", "cannot reach the identity provider at " + issuer + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.local("interrupted", "interrupted");
        }
    }

    private static String describe(TokenResponse t, int status) {
        if (t.errorDescription() != null) {
            return t.errorDescription() + " (" + t.error() + ")";
        }
        return t.error() != null ? t.error() : "HTTP " + status;
    }

    static String form(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put(kv[i], kv[i + 1]);
            }
        }
        return m.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
