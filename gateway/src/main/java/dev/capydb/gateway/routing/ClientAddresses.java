package dev.capydb.gateway.routing;

import io.netty.util.NetUtil;
import io.vertx.core.net.SocketAddress;

/**
 * The key a caller without a valid token is rate-limited by: its address as the request reports it (Quarkus puts a
 * trusted proxy's {@code X-Forwarded-For} there, {@code quarkus.http.proxy.*}), an IPv6 address by its /64 prefix.
 */
public final class ClientAddresses {

    private ClientAddresses() {}

    public static String key(SocketAddress address) {
        if (address == null) {
            return "unknown";
        }
        return key(address.hostAddress() != null ? address.hostAddress() : address.host());
    }

    /** The key of an address literal; anything that is not one (a forwarded name, say) is its own key. */
    public static String key(String host) {
        if (host == null || host.isBlank()) {
            return "unknown";
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        // Parses literals only; never a name lookup, which would block the event loop.
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes == null) {
            return literal;
        }
        if (bytes.length == 4 || isIpv4Mapped(bytes)) {
            int at = bytes.length - 4;
            return (bytes[at] & 0xff) + "." + (bytes[at + 1] & 0xff) + "." + (bytes[at + 2] & 0xff) + "."
                    + (bytes[at + 3] & 0xff);
        }
        // A subscriber gets a whole /64 (or more): keyed by full address, one host could take a new bucket per call.
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString((bytes[i] & 0xff) << 8 | (bytes[i + 1] & 0xff)))
                    .append(':');
        }
        return prefix.append(":/64").toString();
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}
