package dev.capydb.imports.service;

import dev.capydb.chassis.egress.EgressGate;
import dev.capydb.chassis.egress.EgressRefusedException;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.imports.config.ImportConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The one gate every source URL passes, at preflight and again in the worker right before anything destructive:
 * parse it ourselves, resolve the host once, refuse it unless every address is public, and hand back the libpq
 * settings that connect to the checked address ({@code hostaddr}) while keeping the name for TLS.
 */
@ApplicationScoped
public class SourceGate {

    /** A source that passed the gate: where to connect, and how. */
    public record CheckedSource(SourceUrl url, EgressGate.Target target) {

        /**
         * libpq's environment for the client tools: nothing comes from the service's own environment or files
         * (no {@code .pgpass}, no service file), and the address is the checked one.
         */
        public Map<String, String> libpqEnv(Duration connectTimeout) {
            Map<String, String> env = new HashMap<>();
            env.put("PGHOST", target.host());
            env.put("PGHOSTADDR", target.addressLiteral());
            env.put("PGPORT", Integer.toString(url.port()));
            env.put("PGUSER", url.user());
            env.put("PGDATABASE", url.database());
            env.put("PGSSLMODE", url.sslmode());
            env.put("PGCONNECT_TIMEOUT", Long.toString(Math.max(2, connectTimeout.toSeconds())));
            env.put("PGPASSFILE", "/dev/null");
            env.put("PGAPPNAME", "capydb-import");
            if (url.password() != null) {
                env.put("PGPASSWORD", url.password());
            }
            return env;
        }
    }

    private final EgressGate egress;
    private final ImportConfig config;

    public SourceGate(EgressGate egress, ImportConfig config) {
        this.egress = egress;
        this.config = config;
    }

    /** A gate resolving through {@code other} (tests). */
    public SourceGate withEgress(EgressGate other) {
        return new SourceGate(other, config);
    }

    /**
     * Parses and checks {@code sourceUrl}; refusals are 422 problems ({@code invalid_source_url},
     * {@code source_parameter_not_allowed}, {@code source_not_public}, {@code source_unresolvable}). Nothing has
     * connected anywhere when this throws.
     */
    public CheckedSource check(String sourceUrl) {
        SourceUrl url = SourceUrl.parse(sourceUrl);
        try {
            return new CheckedSource(url, egress.check(url.host()));
        } catch (EgressRefusedException e) {
            String code = e.reason() == EgressRefusedException.Reason.UNRESOLVABLE
                    ? "source_unresolvable"
                    : "source_not_public";
            throw new ApiException(
                    422,
                    code,
                    e.getMessage()
                            + (code.equals("source_not_public") ? "; the source must be publicly reachable" : ""));
        }
    }

    public Duration connectTimeout() {
        return config.connectTimeout();
    }
}
