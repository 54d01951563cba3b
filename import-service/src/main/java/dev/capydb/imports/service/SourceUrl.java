package dev.capydb.imports.service;

import dev.capydb.chassis.errors.ApiException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A source database URL, parsed here rather than by libpq so that nothing in it can redirect the connection: one
 * TCP host, no unix sockets, and no parameter but {@code sslmode} (libpq would honour {@code host}, {@code hostaddr},
 * {@code service}, {@code passfile}, {@code options}… from the query string). The password is never printed.
 */
public record SourceUrl(
        String user, String password, String host, int port, String database, String sslmode, boolean sslmodeGiven) {

    public static final Set<String> SSL_MODES =
            Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    /** Host names (LDH labels) or an IPv4 literal; IPv6 literals come in brackets and are checked separately. */
    private static final Pattern HOST_NAME =
            Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\\.[A-Za-z0-9-]{1,63})*\\.?");

    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    /** Parses {@code url} or refuses it with 422 ({@code invalid_source_url} / {@code source_parameter_not_allowed}). */
    public static SourceUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw invalid("source_url is required");
        }
        if (url.length() > 2048 || url.chars().anyMatch(ch -> ch <= 0x20 || ch == 0x7f)) {
            throw invalid("source_url must be one line without spaces or control characters");
        }
        int schemeEnd = url.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
            throw invalid("source_url must start with postgres:// or postgresql://");
        }
        String rest = url.substring(schemeEnd + 3);
        if (rest.contains("#")) {
            throw invalid("source_url may not have a fragment (#)");
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);

        int at = authority.lastIndexOf('@');
        if (at < 0 || authority.indexOf('@') != at) {
            throw invalid(
                    at < 0
                            ? "source_url must name a user (postgres://user:password@host/db)"
                            : "source_url has more than one '@'; percent-encode '@' in the password as %40");
        }
        String userInfo = authority.substring(0, at);
        String hostPort = authority.substring(at + 1);
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), "user");
        String password = colon < 0 ? null : decode(userInfo.substring(colon + 1), "password");
        if (user.isEmpty()) {
            throw invalid("source_url must name a user");
        }

        if (hostPort.isEmpty()) {
            throw invalid("source_url must name a host; unix-socket connections are not accepted");
        }
        if (hostPort.contains(",")) {
            throw invalid("source_url must name exactly one host");
        }
        if (hostPort.contains("%")) {
            throw invalid("the host may not be percent-encoded (unix-socket paths and zone ids are not accepted)");
        }
        String host;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw invalid("unterminated IPv6 address in source_url");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid("unexpected text after the IPv6 address");
                }
                portText = after.substring(1);
            }
            if (!IPV6.matcher(host).matches() || !host.contains(":")) {
                throw invalid("'" + host + "' is not an IPv6 address");
            }
        } else {
            int c = hostPort.indexOf(':');
            host = c < 0 ? hostPort : hostPort.substring(0, c);
            portText = c < 0 ? null : hostPort.substring(c + 1);
            if (!HOST_NAME.matcher(host).matches()) {
                throw invalid("'" + host + "' is not a valid host name");
            }
        }
        int port = 5432;
        if (portText != null) {
            if (!portText.matches("[0-9]{1,5}")
                    || Integer.parseInt(portText) < 1
                    || Integer.parseInt(portText) > 65535) {
                throw invalid("the port must be a number from 1 to 65535");
            }
            port = Integer.parseInt(portText);
        }

        String database = decode(path, "database name");
        if (database.contains("=")) {
            // libpq reads a dbname with '=' as a whole connection string, which could name another host.
            throw invalid("the database name may not contain '='");
        }
        if (database.contains("/")) {
            throw invalid("the database name may not contain '/'");
        }
        if (database.isEmpty()) {
            database = user;
        }

        String sslmode = null;
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq), "parameter");
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), "parameter");
                if (!key.equals("sslmode")) {
                    throw new ApiException(
                            422,
                            "source_parameter_not_allowed",
                            "the URL parameter '" + key + "' is not accepted; only sslmode may be set");
                }
                if (sslmode != null) {
                    throw new ApiException(422, "source_parameter_not_allowed", "sslmode is given more than once");
                }
                if (!SSL_MODES.contains(value)) {
                    throw new ApiException(422, "source_parameter_not_allowed", "sslmode must be one of " + SSL_MODES);
                }
                sslmode = value;
            }
        }
        return new SourceUrl(
                user, password, host, port, database, sslmode == null ? "require" : sslmode, sslmode != null);
    }

    /** The URL as it may be shown: the password replaced by {@code ****}. */
    public String masked() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "postgres://" + user + (password == null ? "" : ":****") + "@" + h + ":" + port + "/" + database
                + "?sslmode=" + sslmode;
    }

    @Override
    public String toString() {
        return masked();
    }

    private static String decode(String s, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%') {
                if (i + 2 >= s.length()
                        || Character.digit(s.charAt(i + 1), 16) < 0
                        || Character.digit(s.charAt(i + 2), 16) < 0) {
                    throw invalid("bad percent-encoding in the " + what);
                }
                out.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else {
                byte[] bytes = String.valueOf(ch).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        String decoded = out.toString(StandardCharsets.UTF_8);
        if (decoded.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw invalid("the " + what + " may not contain control characters");
        }
        return decoded;
    }

    private static ApiException invalid(String detail) {
        return new ApiException(422, "invalid_source_url", detail);
    }
}
