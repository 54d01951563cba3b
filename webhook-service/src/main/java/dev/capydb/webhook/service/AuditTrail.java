package dev.capydb.webhook.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Page;
import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.webhook.repository.AuditEvent;
import dev.capydb.webhook.repository.Statements;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Stores every lifecycle event of a project, secrets scrubbed, and lists them newest first. */
@ApplicationScoped
public class AuditTrail {

    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(password|secret|token|credential).*");

    /** Stores {@code e} once (the event id is the key); events without a project are platform bookkeeping. */
    public Uni<Void> record(EventEnvelope e) {
        if (e.projectId() == null) {
            return Uni.createFrom().voidItem();
        }
        return Statements.execute(
                        "INSERT INTO audit_event (event_id, project_id, org_id, type, source, time, actor,"
                                + " correlation_id, data) VALUES (:p1, :p2, :p3, :p4, :p5, :p6, :p7, :p8, :p9)"
                                + " ON CONFLICT (event_id) DO NOTHING",
                        e.id(),
                        e.projectId(),
                        e.orgId(),
                        e.type(),
                        e.source(),
                        e.time(),
                        actor(e.data()),
                        e.correlationId(),
                        Json.write(scrub(e.data())))
                .replaceWithVoid();
    }

    /** A copy of {@code data} without secret-looking fields and with passwords in URLs masked. */
    public static JsonNode scrub(JsonNode data) {
        if (data == null || data.isNull()) {
            return EventJson.mapper().createObjectNode();
        }
        JsonNode copy = data.deepCopy();
        scrubInPlace(copy);
        return copy;
    }

    private static void scrubInPlace(JsonNode node) {
        if (node instanceof ObjectNode obj) {
            Iterator<Map.Entry<String, JsonNode>> fields = obj.fields();
            List<String> secretKeys = new ArrayList<>();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (SECRET_KEY.matcher(f.getKey()).matches()) {
                    secretKeys.add(f.getKey());
                } else if (f.getValue().isTextual()) {
                    f.setValue(TextNode.valueOf(Redact.urlPasswords(f.getValue().asText())));
                } else {
                    scrubInPlace(f.getValue());
                }
            }
            secretKeys.forEach(k -> obj.put(k, "****"));
        } else if (node != null && node.isArray()) {
            node.forEach(AuditTrail::scrubInPlace);
        }
    }

    private static String actor(JsonNode data) {
        if (data == null) {
            return null;
        }
        for (String field : List.of("actor", "requested_by", "created_by")) {
            if (data.hasNonNull(field)) {
                return data.get(field).asText();
            }
        }
        return null;
    }

    /** One stored event as listed. */
    public record Entry(
            UUID id,
            String type,
            Instant time,
            String source,
            @Schema(nullable = true) String actor,
            @Schema(nullable = true) String correlationId,

            @Schema(
                    implementation = Map.class,
                    description = "The event's own payload, as on"
                            + " the topic and in webhook deliveries; its fields depend on the type")
            JsonNode data) {}

    /**
     * Newest first. {@code types}: comma-separated wire names, a trailing {@code .*} matching a family
     * ({@code cutover.*}); {@code since}: RFC 3339, inclusive.
     */
    public Uni<Page<Entry>> list(UUID projectId, String types, String since, String cursor, Integer limit) {
        int size = Cursor.limit(limit);
        Cursor after = Cursor.decode(cursor);
        Instant from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = OffsetDateTime.parse(since).toInstant();
            } catch (DateTimeParseException e) {
                throw ApiException.invalid("since", "must be an RFC 3339 time, e.g. 2026-11-21T10:00:00Z");
            }
        }
        StringBuilder q = new StringBuilder("projectId = :project");
        Parameters params = Parameters.with("project", projectId);
        if (types != null && !types.isBlank()) {
            List<String> wanted = Arrays.stream(types.split(","))
                    .map(String::trim)
                    .filter(s -> !s.isEmpty())
                    .toList();
            StringBuilder or = new StringBuilder();
            for (int i = 0; i < wanted.size(); i++) {
                String t = wanted.get(i);
                or.append(or.isEmpty() ? "" : " or ");
                if (t.endsWith(".*")) {
                    or.append("type like :t").append(i);
                    params = params.and("t" + i, t.substring(0, t.length() - 1).replace("%", "") + "%");
                } else {
                    or.append("type = :t").append(i);
                    params = params.and("t" + i, t);
                }
            }
            q.append(" and (").append(or).append(')');
        }
        if (from != null) {
            q.append(" and time >= :since");
            params = params.and("since", from);
        }
        if (after != null) {
            q.append(" and (time < :at or (time = :at and eventId < :id))");
            params = params.and("at", after.at()).and("id", after.id());
        }
        String query = q + " order by time desc, eventId desc";
        Parameters p = params;
        return Panache.withSession(() ->
                        AuditEvent.<AuditEvent>find(query, p).page(0, size + 1).list())
                .map(rows -> Page.of(rows, size, a -> new Cursor(a.time, a.eventId))
                        .map(a -> new Entry(
                                a.eventId, a.type, a.time, a.source, a.actor, a.correlationId, Json.tree(a.data))));
    }
}
