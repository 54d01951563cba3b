package dev.capydb.chassis.security;

import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
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
    private final CurrentIdentityAssociation association;
    private Principal principal;

    public Caller(SecurityIdentity identity, CurrentIdentityAssociation association) {
        this.identity = identity;
        this.association = association;
    }

    /** Blocking: the token may still have to be verified (authentication is lazy). Worker threads only. */
    public Principal principal() {
        if (principal == null) {
            principal = fromIdentity(identity);
        }
        return principal;
    }

    /** {@link #principal()} for reactive resources: the token is verified without blocking the event loop. */
    public Uni<Principal> principalReactive() {
        if (principal != null) {
            return Uni.createFrom().item(principal);
        }
        return association.getDeferredIdentity().map(id -> {
            principal = fromIdentity(id);
            return principal;
        });
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
