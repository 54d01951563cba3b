package dev.capydb.dataplane;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds the connection strings of a database on a host; the masked form is what listings show. */
public final class ConnectionStrings {

    public static final String MASK = "****";

    private ConnectionStrings() {}

    /** The pooled URL, through the host's pooler port when it has one. */
    public static String pooled(DatabaseHost host, String role, String password, String database) {
        return url(host.publicHost(), host.pooledPort(), role, password, database);
    }

    public static String unpooled(DatabaseHost host, String role, String password, String database) {
        return url(host.publicHost(), host.port(), role, password, database);
    }

    private static String url(String hostName, int port, String role, String password, String database) {
        return "postgresql://" + enc(role) + ":" + enc(password) + "@" + hostName + ":" + port + "/" + enc(database);
    }

    private static String enc(String s) {
        return s.equals(MASK) ? s : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
