package dev.capydb.project.rest;

import dev.capydb.chassis.errors.ApiException;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.RequestScoped;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who may read tenants' passwords through {@code /internal}: a token minted for the internal audience (never a user's
 * API token, whatever roles it carries) by one of the clients named in {@code capydb.projects.internal.callers}. The
 * realm role {@code service} alone is not enough: any future service given that role would otherwise read every
 * project's password, while only webhook-service (env re-push) needs them.
 */
@RequestScoped
public class InternalCallers {

    /** The internal endpoint's audience and allowed clients. */
    @ConfigMapping(prefix = "capydb.projects.internal")
    public interface Config {
        /** The {@code aud} an internal token carries (Keycloak's audience mapper on the internal client). */
        @WithDefault("capydb-internal")
        String audience();

        /** The clients ({@code azp}) whose tokens may call it: only webhook-service's. */
        @WithDefault("capydb-services")
        Set<String> callers();
    }

    private final JsonWebToken token;
    private final Config config;

    public InternalCallers(JsonWebToken token, Config config) {
        this.token = token;
        this.config = config;
    }

    /** Refuses (403) a caller that is not one of the internal clients, before anything is read. */
    public void require() {
        Set<String> audience = token.getAudience();
        String client = token.getClaim("azp");
        if (audience == null
                || !audience.contains(config.audience())
                || client == null
                || !config.callers().contains(client)) {
            throw ApiException.forbidden(
                    "this internal endpoint answers only " + config.callers() + " with an internal token");
        }
    }
}
