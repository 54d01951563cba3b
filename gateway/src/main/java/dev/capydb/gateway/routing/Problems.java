package dev.capydb.gateway.routing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem documents the gateway answers itself (same shape as the services' chassis errors). */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {}

    public static Buffer body(int status, String title, String code, String detail, String instance, String requestId) {
        JsonObject problem = new JsonObject()
                .put("type", "https://docs.capydb.dev/errors/" + code)
                .put("title", title)
                .put("status", status)
                .put("code", code)
                .put("detail", detail)
                .put("instance", instance);
        if (requestId != null) {
            problem.put("request_id", requestId);
        }
        return problem.toBuffer();
    }

    public static void send(RoutingContext rc, int status, String title, String code, String detail) {
        if (rc.response().ended()) {
            return;
        }
        rc.response()
                .setStatusCode(status)
                .putHeader("Content-Type", MEDIA_TYPE)
                .end(body(status, title, code, detail, rc.request().path(), RequestIds.of(rc)));
    }
}
