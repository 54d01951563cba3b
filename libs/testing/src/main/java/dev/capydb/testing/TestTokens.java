package dev.capydb.testing;

import io.smallrye.jwt.build.Jwt;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Access tokens shaped like the capydb Keycloak realm's (org group paths in {@code orgs}, realm roles in
 * {@code realm_access}), signed with the key of {@code OidcWiremockTestResource}.
 */
public final class TestTokens {

    /** The issuer the OIDC test server announces. */
    public static final String ISSUER = "https://server.example.com";

    /** The audience Keycloak's mapper puts into the API clients' tokens. */
    public static final String API_AUDIENCE = "capydb-api";

    private TestTokens() {}

    /** alice: admin of acme. */
    public static String alice() {
        return user("alice", List.of("/orgs/acme/admin"));
    }

    /** bob: member of acme. */
    public static String bob() {
        return user("bob", List.of("/orgs/acme/member"));
    }

    /** carol: admin of globex. */
    public static String carol() {
        return user("carol", List.of("/orgs/globex/admin"));
    }

    /** olga: platform operator, in no org. */
    public static String olga() {
        return token("olga", List.of(), List.of("operator"));
    }

    public static String user(String username, List<String> orgGroups) {
        return token(username, orgGroups, List.of());
    }

    public static String token(String username, List<String> orgGroups, List<String> realmRoles) {
        return token(username, orgGroups, realmRoles, API_AUDIENCE, "capydb-cli");
    }

    /** A client-credentials token of the internal client webhook-service uses: role service, audience capydb-internal. */
    public static String internalService() {
        return token(
                "service-account-capydb-services", List.of(), List.of("service"), "capydb-internal", "capydb-services");
    }

    /** Any shape: {@code audience} is the {@code aud} claim, {@code azp} the client the token was minted for. */
    public static String token(
            String username, List<String> orgGroups, List<String> realmRoles, String audience, String azp) {
        return Jwt.preferredUserName(username)
                .subject(UUID.nameUUIDFromBytes(username.getBytes()).toString())
                .issuer(ISSUER)
                .audience(audience)
                .claim("azp", azp)
                .claim("orgs", orgGroups)
                .claim("realm_access", Map.of("roles", realmRoles))
                .jws()
                .keyId("1")
                .sign("privateKey.jwk");
    }
}
