package dev.capydb.chassis.egress;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Resolves a user-chosen host once and vets every address it has, so the caller connects to the very address
 * that was checked (no second lookup a rebinding DNS server could answer differently).
 */
@ApplicationScoped
public class EgressGate {

    /** The host name and the one checked address to connect to. */
    public record Target(String host, InetAddress address) {
        public String addressLiteral() {
            return address.getHostAddress();
        }
    }

    private static final Pattern NUMERIC_LABEL = Pattern.compile("\\d+|0[xX][0-9a-fA-F]*");
    private static final Pattern CANONICAL_IPV4 = Pattern.compile(
            "(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}" + "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    private final EgressPolicy policy;
    private final HostResolver resolver;

    @Inject
    public EgressGate(EgressPolicy policy) {
        this(policy, HostResolver.system());
    }

    public EgressGate(EgressPolicy policy, HostResolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    /** A gate with another resolver (tests: a DNS server that answers differently on the second lookup). */
    public EgressGate withResolver(HostResolver other) {
        return new EgressGate(policy, other);
    }

    public boolean allowsLoopback() {
        return policy.allowsLoopback();
    }

    /**
     * Checks {@code host} (a name, a dotted-quad IPv4 or an IPv6 literal, optionally bracketed) and returns the
     * address to connect to. Refused when the host is an IPv4 address in a non-canonical form (decimal, hex, octal,
     * shorthand), when it does not resolve, or when <em>any</em> of its addresses is not allowed.
     */
    public Target check(String host) throws EgressRefusedException {
        if (host == null || host.isBlank()) {
            throw new EgressRefusedException(EgressRefusedException.Reason.AMBIGUOUS_HOST, "the host is empty");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.contains("%")) {
            throw new EgressRefusedException(
                    EgressRefusedException.Reason.AMBIGUOUS_HOST, "IPv6 zone identifiers are not accepted");
        }
        if (looksNumeric(bare) && !CANONICAL_IPV4.matcher(bare).matches()) {
            throw new EgressRefusedException(
                    EgressRefusedException.Reason.AMBIGUOUS_HOST,
                    "'" + bare
                            + "' is an IPv4 address in a non-canonical form; write it as four decimal numbers (a.b.c.d)");
        }
        List<InetAddress> addresses;
        if (bare.contains(":")) {
            addresses = EgressPolicy.literal(bare)
                    .map(List::of)
                    .orElseThrow(() -> new EgressRefusedException(
                            EgressRefusedException.Reason.AMBIGUOUS_HOST,
                            "'" + bare + "' is not a valid IPv6 address"));
        } else if (CANONICAL_IPV4.matcher(bare).matches()) {
            addresses = EgressPolicy.literal(bare).map(List::of).orElseThrow();
        } else {
            try {
                addresses = resolver.resolve(bare.toLowerCase(Locale.ROOT));
            } catch (UnknownHostException e) {
                throw new EgressRefusedException(
                        EgressRefusedException.Reason.UNRESOLVABLE, "host '" + bare + "' does not resolve");
            }
            if (addresses == null || addresses.isEmpty()) {
                throw new EgressRefusedException(
                        EgressRefusedException.Reason.UNRESOLVABLE, "host '" + bare + "' has no addresses");
            }
        }
        for (InetAddress address : addresses) {
            EgressPolicy.Verdict verdict = policy.check(address);
            if (!verdict.allowed()) {
                throw new EgressRefusedException(
                        EgressRefusedException.Reason.NOT_PUBLIC,
                        "host '" + bare + "' resolves to " + verdict.reason());
            }
        }
        return new Target(bare, addresses.get(0));
    }

    private static boolean looksNumeric(String host) {
        // A trailing dot (fully qualified form) does not make "127.0.0.1." any less numeric.
        String[] labels = (host.endsWith(".") ? host.substring(0, host.length() - 1) : host).split("\\.", -1);
        for (String label : labels) {
            if (!NUMERIC_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
