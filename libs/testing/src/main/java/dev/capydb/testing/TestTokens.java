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

    private TestTokens() {
    }

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
        return Jwt.preferredUserName(username)
                .subject(UUID.nameUUIDFromBytes(username.getBytes()).toString())
                .issuer(ISSUER)
                .audience("https://service.example.com")
                .claim("orgs", orgGroups)
                .claim("realm_access", Map.of("roles", realmRoles))
                .jws().keyId("1")
                .sign("privateKey.jwk");
    }
}
