package dev.capydb.gateway.routing;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.regex.Pattern;

/** Keeps a caller's sane X-Request-Id or assigns a new one, so a request can be followed through every service. */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String KEY = "capydb.request-id";

    private RequestIds() {}

    /** Fixes the request id on the incoming request (so the proxy forwards it) and on our response. */
    public static String assign(RoutingContext rc) {
        String given = rc.request().getHeader(HEADER);
        String id = given != null && SANE.matcher(given).matches()
                ? given
                : UUID.randomUUID().toString();
        rc.request().headers().set(HEADER, id);
        rc.response().headers().set(HEADER, id);
        rc.put(KEY, id);
        return id;
    }

    public static String of(RoutingContext rc) {
        return rc.get(KEY);
    }
}
