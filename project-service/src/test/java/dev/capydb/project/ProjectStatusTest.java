package dev.capydb.project;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.events.EventEnvelope;
import dev.capydb.events.EventJson;
import dev.capydb.events.EventType;
import dev.capydb.events.RestorePayload;
import dev.capydb.project.messaging.LifecycleConsumer;
import dev.capydb.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A production overwrite shows the project as restoring (and refuses its deletion) until it ends. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ProjectStatusTest {

    @Inject
    LifecycleConsumer consumer;
    @Inject
    AgroalDataSource dataSource;

    private String restoreEvent(EventType type, String project, String target) {
        UUID id = UUID.randomUUID();
        return EventJson.write(EventEnvelope.of(type, "restore-service", "acme", UUID.fromString(project), null,
                new RestorePayload(id, UUID.fromString(project), "backup", "k", null, null, target, null,
                        type == EventType.RESTORE_STARTED ? "running" : "completed", null, Instant.now(), null)));
    }

    @Test
    void overwriteShowsRestoringThenActive() throws Exception {
        String id = given().auth().oauth2(TestTokens.alice()).contentType("application/json")
                .body(Map.of("name", "st-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects").then().statusCode(201).extract().path("id");
        consumer.onRestoreEvent(restoreEvent(EventType.RESTORE_STARTED, id, "new_preview"));
        given().auth().oauth2(TestTokens.bob()).get("/v1/projects/{id}", id).then().body("status", equalTo("active"));

        consumer.onRestoreEvent(restoreEvent(EventType.RESTORE_STARTED, id, "project"));
        given().auth().oauth2(TestTokens.bob()).get("/v1/projects/{id}", id).then().body("status", equalTo("restoring"));
        given().auth().oauth2(TestTokens.alice()).delete("/v1/projects/{id}", id).then().statusCode(409)
                .body("code", equalTo("project_busy"));

        consumer.onRestoreEvent(restoreEvent(EventType.RESTORE_COMPLETED, id, "project"));
        given().auth().oauth2(TestTokens.bob()).get("/v1/projects/{id}", id).then().body("status", equalTo("active"));

        List<String> statuses = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT payload FROM outbox_event WHERE event_key = '" + id + "' ORDER BY seq")) {
            while (rs.next()) {
                statuses.add(EventJson.read(rs.getString(1)).type() + ":"
                        + EventJson.read(rs.getString(1)).data().get("status").asText());
            }
        }
        assertEquals(List.of("project.created:active", "project.updated:restoring", "project.updated:active"), statuses);
    }
}
