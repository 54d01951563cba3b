package dev.capydb.chassis.egress;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Decides whether a user-chosen outbound target (import source, webhook URL) may be contacted: only public
 * unicast addresses, never loopback, private, link-local/metadata, CGNAT, multicast, reserved, documentation,
 * IPv6 ULA/link-local, nor those hidden in IPv4-mapped, IPv4-compatible, NAT64, 6to4 or Teredo forms.
 * The one switch is the development mode {@code CAPYDB_ALLOW_LOOPBACK=1}, which admits loopback alone.
 */
@ApplicationScoped
public class EgressPolicy {

    /** The development switch. */
    @ConfigMapping(prefix = "capydb.egress")
    public interface EgressConfig {
        /** Admit loopback targets (127.0.0.0/8, ::1) so a developer can import from or deliver to localhost. */
        @WithDefault("false")
        boolean allowLoopback();
    }

    /** The decision for one address, with the reason a user can read. */
    public record Verdict(InetAddress address, AddressClass addressClass, boolean allowed) {
        public String reason() {
            return allowed
                    ? "allowed"
                    : address.getHostAddress() + " is a "
                            + addressClass.name().toLowerCase().replace('_', '-') + " address, not a public one";
        }
    }

    private final boolean allowLoopback;

    public EgressPolicy(EgressConfig config) {
        this.allowLoopback = config.allowLoopback();
    }

    public boolean allowsLoopback() {
        return allowLoopback;
    }

    public Verdict check(InetAddress address) {
        AddressClass c = classify(address);
        return new Verdict(address, c, c == AddressClass.PUBLIC || (allowLoopback && c == AddressClass.LOOPBACK));
    }

    /** Classifies an address by the IANA special-purpose registries. */
    public static AddressClass classify(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return classify4(b);
        }
        if (address instanceof Inet6Address) {
            return classify6(b);
        }
        return AddressClass.RESERVED;
    }

    private static AddressClass classify4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        int a3 = b[3] & 0xff;
        if (a0 == 0) {
            return AddressClass.UNSPECIFIED;
        }
        if (a0 == 127) {
            return AddressClass.LOOPBACK;
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return AddressClass.PRIVATE;
        }
        if (a0 == 169 && a1 == 254) {
            return AddressClass.LINK_LOCAL;
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return AddressClass.CGNAT;
        }
        if (a0 >= 224 && a0 <= 239) {
            return AddressClass.MULTICAST;
        }
        if (a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255) {
            return AddressClass.BROADCAST;
        }
        if (a0 >= 240) {
            return AddressClass.RESERVED;
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2)
                || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return AddressClass.DOCUMENTATION;
        }
        if ((a0 == 192 && a1 == 0 && a2 == 0) || (a0 == 198 && (a1 & 0xfe) == 18)) {
            // IETF protocol assignments and the benchmarking range.
            return AddressClass.RESERVED;
        }
        if (a0 == 192 && a1 == 88 && a2 == 99) {
            return AddressClass.TRANSITION;
        }
        return AddressClass.PUBLIC;
    }

    private static AddressClass classify6(byte[] b) {
        boolean first80Zero = true;
        for (int i = 0; i < 10; i++) {
            first80Zero &= b[i] == 0;
        }
        if (first80Zero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return classify4(last4(b)); // ::ffff:a.b.c.d (IPv4-mapped)
        }
        if (first80Zero && b[10] == 0 && b[11] == 0) {
            boolean allZero = true;
            for (int i = 12; i < 15; i++) {
                allZero &= b[i] == 0;
            }
            if (allZero && b[15] == 0) {
                return AddressClass.UNSPECIFIED; // ::
            }
            if (allZero && b[15] == 1) {
                return AddressClass.LOOPBACK; // ::1
            }
            AddressClass embedded = classify4(last4(b)); // ::a.b.c.d (deprecated IPv4-compatible)
            return embedded == AddressClass.PUBLIC ? AddressClass.TRANSITION : embedded;
        }
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (w0 == 0x0064 && w1 == 0xff9b) {
            // NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48): judge the IPv4 address it leads to.
            AddressClass embedded = classify4(last4(b));
            return embedded == AddressClass.PUBLIC ? AddressClass.TRANSITION : embedded;
        }
        if (w0 == 0x2002) {
            // 6to4 carries an IPv4 address in bits 16-47.
            AddressClass embedded = classify4(new byte[] {b[2], b[3], b[4], b[5]});
            return embedded == AddressClass.PUBLIC ? AddressClass.TRANSITION : embedded;
        }
        if (w0 == 0x2001 && w1 == 0x0000) {
            return AddressClass.TRANSITION; // Teredo
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return AddressClass.DOCUMENTATION;
        }
        if (w0 == 0x2001 && (w1 & 0xfe00) == 0) {
            return AddressClass.RESERVED; // 2001::/23 IETF protocol assignments
        }
        if ((w0 & 0xfe00) == 0xfc00) {
            return AddressClass.UNIQUE_LOCAL; // fc00::/7
        }
        if ((w0 & 0xffc0) == 0xfe80) {
            return AddressClass.LINK_LOCAL; // fe80::/10
        }
        if ((w0 & 0xffc0) == 0xfec0) {
            return AddressClass.PRIVATE; // fec0::/10, deprecated site-local
        }
        if ((w0 & 0xff00) == 0xff00) {
            return AddressClass.MULTICAST;
        }
        if (w0 == 0x0100 && w1 == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0) {
            return AddressClass.RESERVED; // 100::/64 discard-only
        }
        if ((w0 & 0xe000) != 0x2000) {
            return AddressClass.RESERVED; // outside 2000::/3, the global unicast space
        }
        return AddressClass.PUBLIC;
    }

    private static byte[] last4(byte[] b) {
        return new byte[] {b[12], b[13], b[14], b[15]};
    }

    /** Parses a literal IP address without any DNS lookup; empty for host names. */
    public static Optional<InetAddress> literal(String text) {
        if (text == null || text.isEmpty() || !text.matches("[0-9a-fA-F:.\\[\\]%]+") || !text.matches(".*[:.].*")) {
            return Optional.empty();
        }
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!bare.contains(":") && !bare.matches("(\\d{1,3}\\.){3}\\d{1,3}")) {
            // Shorthand or non-decimal IPv4 ("127.1", "0x7f.1"): not a form we accept as a literal.
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(bare));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
