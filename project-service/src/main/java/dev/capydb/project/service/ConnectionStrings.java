package dev.capydb.project.service;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.project.repository.Project;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds a project's connection strings; the masked form is what every listing shows. */
public final class ConnectionStrings {

    public static final String MASK = "****";

    private ConnectionStrings() {
    }

    public static String url(Project p, DatabaseHost host, int port, String password) {
        return "postgresql://" + enc(p.roleName) + ":" + enc(password) + "@" + host.publicHost() + ":" + port + "/"
                + enc(p.databaseName);
    }

    /** The pooled URL goes through the host's pooler port when it has one. */
    public static String pooled(Project p, DatabaseHost host, String password) {
        return url(p, host, host.pooledPort(), password);
    }

    public static String unpooled(Project p, DatabaseHost host, String password) {
        return url(p, host, host.port(), password);
    }

    private static String enc(String s) {
        return s.equals(MASK) ? s : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
