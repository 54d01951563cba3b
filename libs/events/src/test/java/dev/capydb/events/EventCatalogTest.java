package dev.capydb.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every catalog type serializes to JSON that its schema and the envelope schema accept. */
class EventCatalogTest {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix("https://schemas.capydb.dev/events/", "classpath:events/schemas/")));
    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();

    private static final UUID PROJECT = UUID.fromString("6f1c3e1a-6a53-4c55-9d7e-3c3c0b4c2a10");
    private static final Instant T = Instant.parse("2026-11-21T10:15:30Z");

    /** One realistic payload per type; a type added to the catalog without a sample fails the build. */
    private static final UUID OTHER = UUID.fromString("0b0b0b0b-1111-4222-8333-444455556666");

    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final Map<EventType, EventPayload> SAMPLES = Map.ofEntries(
            Map.entry(EventType.PROJECT_CREATED, project("active", 1)),
            Map.entry(EventType.PROJECT_UPDATED, project("restoring", 2)),
            Map.entry(EventType.PROJECT_DELETED, project("deleted", 3)),
            Map.entry(
                    EventType.BACKUP_COMPLETED,
                    new BackupPayload(
                            OTHER,
                            PROJECT,
                            "nightly",
                            "manual",
                            "completed",
                            "projects/" + PROJECT + "/backups/" + OTHER + ".dump",
                            12345L,
                            SHA,
                            true,
                            null,
                            T,
                            T)),
            Map.entry(
                    EventType.BACKUP_FAILED,
                    new BackupPayload(
                            OTHER,
                            PROJECT,
                            null,
                            "pre_cutover",
                            "failed",
                            null,
                            null,
                            null,
                            null,
                            "pg_dump exited with 1: connection refused",
                            T,
                            T)),
            Map.entry(
                    EventType.BASE_BACKUP_COMPLETED,
                    new BaseBackupPayload(
                            OTHER,
                            "local-1",
                            null,
                            "20261207-110602F_20261207-110613I",
                            "incr",
                            T,
                            "0/3000028",
                            T,
                            4_000_000L)),
            Map.entry(
                    EventType.BASE_BACKUP_EXPIRED,
                    new BaseBackupPayload(
                            OTHER,
                            "local-1",
                            "base/local-1/" + OTHER + "/base.tar.gz",
                            null,
                            null,
                            T,
                            "0/3000028",
                            T,
                            4_000_000L)),
            Map.entry(EventType.JOB_COMPLETED, new JobPayload(OTHER, "backup", "completed", OTHER, null, T, T)),
            Map.entry(EventType.JOB_FAILED, new JobPayload(OTHER, "backup", "failed", OTHER, "S3 unavailable", T, T)),
            Map.entry(
                    EventType.RESTORE_POINT_CREATED,
                    new RestorePointPayload(
                            OTHER, PROJECT, "before-migration", "backup", "projects/x.dump", null, null)),
            Map.entry(
                    EventType.RESTORE_POINT_DELETED,
                    new RestorePointPayload(OTHER, PROJECT, "t0", "pitr", null, T, "0/16B3748")),
            Map.entry(
                    EventType.RESTORE_STARTED,
                    new RestorePayload(
                            OTHER,
                            PROJECT,
                            "backup",
                            "projects/x.dump",
                            null,
                            null,
                            "project",
                            null,
                            "running",
                            null,
                            T,
                            null)),
            Map.entry(
                    EventType.RESTORE_COMPLETED,
                    new RestorePayload(
                            OTHER,
                            PROJECT,
                            "backup",
                            "projects/x.dump",
                            null,
                            null,
                            "new_preview",
                            OTHER,
                            "completed",
                            null,
                            T,
                            T)),
            Map.entry(
                    EventType.RESTORE_FAILED,
                    new RestorePayload(
                            OTHER,
                            PROJECT,
                            "pitr",
                            null,
                            T,
                            null,
                            "project",
                            null,
                            "failed",
                            "recovery ended before the target time",
                            T,
                            T)),
            Map.entry(
                    EventType.PREVIEW_READY,
                    new PreviewPayload(OTHER, PROJECT, "staging", "ready", "local-1", "pv_x", T)),
            Map.entry(
                    EventType.PREVIEW_EXPIRING,
                    new PreviewPayload(OTHER, PROJECT, "staging", "ready", "local-1", "pv_x", T)),
            Map.entry(
                    EventType.PREVIEW_EXPIRED,
                    new PreviewPayload(OTHER, PROJECT, "staging", "expired", "local-1", null, T)),
            Map.entry(
                    EventType.CUTOVER_EXECUTION_STARTED,
                    new CutoverPayload(OTHER, PROJECT, OTHER, "in_progress", "OPS-42", null, null)),
            Map.entry(
                    EventType.CUTOVER_PROMOTE_STARTED,
                    new CutoverPayload(OTHER, PROJECT, OTHER, "in_progress", "OPS-42", OTHER, null)),
            Map.entry(EventType.CUTOVER_REQUESTED, cutover("open", null, null)),
            Map.entry(EventType.CUTOVER_ACKED, cutover("acked", null, null)),
            Map.entry(EventType.CUTOVER_REJECTED, cutover("rejected", null, "the preview lacks the new index")),
            Map.entry(EventType.CUTOVER_CANCELLED, cutover("cancelled", null, null)),
            Map.entry(EventType.CUTOVER_COMPLETED, cutover("completed", OTHER, null)),
            Map.entry(EventType.CUTOVER_FAILED, cutover("failed", OTHER, "pre-cutover backup could not be verified")),
            Map.entry(
                    EventType.IMPORT_STARTED,
                    new ImportPayload(
                            OTHER,
                            PROJECT,
                            "url",
                            "postgres://app:****@db.example.com:5432/shop?sslmode=require",
                            true,
                            "running",
                            null,
                            null,
                            T,
                            null)),
            Map.entry(
                    EventType.IMPORT_COMPLETED,
                    new ImportPayload(
                            OTHER,
                            PROJECT,
                            "url",
                            "postgres://app:****@db.example.com:5432/shop?sslmode=require",
                            true,
                            "completed",
                            8192L,
                            null,
                            T,
                            T)),
            Map.entry(
                    EventType.IMPORT_FAILED,
                    new ImportPayload(
                            OTHER,
                            PROJECT,
                            "upload",
                            "shop.dump",
                            false,
                            "failed",
                            null,
                            "pg_restore: error: could not read input file: end of file",
                            T,
                            T)),
            Map.entry(
                    EventType.WEBHOOK_DELIVERY_EXHAUSTED,
                    new WebhookDeliveryPayload(
                            OTHER,
                            OTHER,
                            PROJECT,
                            OTHER.toString(),
                            "backup.completed",
                            "https://hooks.example.com/capydb",
                            9,
                            503,
                            "HTTP 503")),
            Map.entry(
                    EventType.PRODUCTION_OVERWRITE_RESTORE,
                    new OverwriteAuditPayload(OTHER, PROJECT, "preview", OTHER, OTHER, OTHER.toString())));

    private static CutoverPayload cutover(String status, UUID backupId, String reason) {
        return new CutoverPayload(OTHER, PROJECT, OTHER, status, "OPS-42", backupId, reason);
    }

    private static ProjectPayload project(String status, long version) {
        return new ProjectPayload(
                PROJECT,
                "acme",
                "shop-db",
                "local-1",
                "free",
                512L * 1024 * 1024,
                "local-1",
                "prj_6f1c3e1a",
                "prj_6f1c3e1a",
                status,
                true,
                version,
                T,
                T);
    }

    private static JsonSchema schema(String resource) {
        return FACTORY.getSchema(com.networknt.schema.SchemaLocation.of("classpath:" + resource.substring(1)), CONFIG);
    }

    @ParameterizedTest
    @EnumSource(EventType.class)
    void everyTypeRoundTripsAndMatchesItsSchema(EventType type) {
        EventPayload payload = SAMPLES.get(type);
        assertNotNull(payload, "no sample for " + type.wireName());
        EventEnvelope envelope = EventEnvelope.of(type, "test", "acme", PROJECT, "corr-1", payload);
        String json = EventJson.write(envelope);

        JsonNode tree = readTree(json);
        assertNoErrors(schema("/events/schemas/envelope.schema.json").validate(tree), "envelope of " + type);
        assertNoErrors(schema(type.schemaResource()).validate(tree.get("data")), "data of " + type);

        EventEnvelope back = EventJson.read(json);
        assertEquals(envelope.id(), back.id());
        assertEquals(type.wireName(), back.type());
        assertEquals(payload, back.dataAs(type.payloadType()));
        String expectedTopic = type.topic() != null ? type.topic().topicName() : Topic.BACKUPS.topicName();
        assertEquals(expectedTopic, back.topicName(Topic.BACKUPS));
    }

    @Test
    void schemasRejectWhatTheyShould() {
        ObjectNode data = (ObjectNode) EventJson.mapper().valueToTree(project("active", 1));
        data.put("name", "Not Valid!");
        assertTrue(
                !schema(EventType.PROJECT_CREATED.schemaResource())
                        .validate(data)
                        .isEmpty(),
                "an invalid project name must fail the schema");

        ObjectNode envelope = (ObjectNode) readTree(EventJson.write(
                EventEnvelope.of(EventType.PROJECT_CREATED, "test", "acme", PROJECT, null, project("active", 1))));
        envelope.remove("id");
        assertTrue(
                !schema("/events/schemas/envelope.schema.json")
                        .validate(envelope)
                        .isEmpty(),
                "an envelope without id must fail the schema");
    }

    @Test
    void payloadOfTheWrongRecordIsRefused() {
        EventPayload other = new EventPayload() {};
        try {
            EventEnvelope.of(EventType.PROJECT_CREATED, "test", "acme", PROJECT, null, other);
        } catch (IllegalArgumentException expected) {
            return;
        }
        throw new AssertionError("a mismatched payload was accepted");
    }

    @Test
    void asyncApiListsEveryType() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/events/asyncapi.yaml")) {
            assertNotNull(in, "asyncapi.yaml is missing");
            String doc = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (EventType type : EventType.values()) {
                assertTrue(doc.contains("name: " + type.wireName()), "asyncapi.yaml does not list " + type.wireName());
                if (type.topic() != null) {
                    assertTrue(
                            doc.contains("address: " + type.topic().topicName()),
                            "asyncapi.yaml lacks topic of " + type);
                }
            }
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertNoErrors(Set<ValidationMessage> errors, String what) {
        assertTrue(errors.isEmpty(), what + " does not match its schema: " + errors);
    }
}
