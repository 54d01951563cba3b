package dev.capydb.chassis.security;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import java.util.Collection;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The current request's caller: the {@link Principal} read from its verified bearer token; anonymous is 401. */
@RequestScoped
public class Caller {

    private final SecurityIdentity identity;
    private Principal principal;

    public Caller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public Principal principal() {
        if (principal == null) {
            principal = fromIdentity(identity);
        }
        return principal;
    }

    static Principal fromIdentity(SecurityIdentity identity) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            throw new UnauthorizedException();
        }
        String username = token.getClaim("preferred_username");
        return new Principal(
                token.getSubject(),
                username != null ? username : token.getSubject(),
                Principal.parseOrgGroups(groups(token.getClaim("orgs"))),
                identity.hasRole(Principal.OPERATOR_ROLE));
    }

    private static List<String> groups(Object claim) {
        if (claim instanceof JsonArray array) {
            return array.stream()
                    .filter(JsonString.class::isInstance)
                    .map(v -> ((JsonString) v).getString())
                    .toList();
        }
        if (claim instanceof Collection<?> values) {
            return values.stream().map(String::valueOf).toList();
        }
        return List.of();
    }
}
