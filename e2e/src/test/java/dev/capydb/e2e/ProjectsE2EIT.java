package dev.capydb.e2e;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The foundation's promise, through the gateway with real tokens: a project is a database you can use. */
@ExtendWith(ContractGate.class)
class ProjectsE2EIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aliceCreatesAProjectAndConnectsWithPsqlWhileOthersSeeWhatTheyShould() throws Exception {
        String name = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        try (Stack.EventTail events = Stack.tail("capydb.projects")) {
            String id = Stack.api("alice")
                    .contentType("application/json")
                    .body(Map.of("name", name))
                    .post("/v1/projects")
                    .then()
                    .statusCode(201)
                    .body("org_id", equalTo("acme"))
                    .body("status", equalTo("active"))
                    .header("X-Request-Id", org.hamcrest.Matchers.notNullValue())
                    .extract()
                    .path("id");

            String url = Stack.api("alice")
                    .get("/v1/projects/{id}/connection", id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("database_url");
            assertEquals(
                    "3",
                    Stack.psql(
                                    url,
                                    "CREATE TABLE notes (id int primary key, body text); "
                                            + "INSERT INTO notes VALUES (1, 'a'), (2, 'b'), (3, 'c'); SELECT count(*) FROM notes")
                            .lines()
                            .reduce((a, b) -> b)
                            .orElse(""));

            Stack.api("bob").get("/v1/projects/{id}", id).then().statusCode(200).body("name", equalTo(name));
            Stack.api("bob").get("/v1/projects").then().statusCode(200).body("items.id", hasItem(id));
            Stack.api("machine").get("/v1/projects").then().statusCode(200).body("items.id", hasItem(id));
            Stack.api("carol")
                    .get("/v1/projects/{id}", id)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .body("code", equalTo("not_found"));
            Stack.api("carol").get("/v1/projects").then().statusCode(200).body("items.id", not(hasItem(id)));
            Stack.anonymous()
                    .get("/v1/projects/{id}", id)
                    .then()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .body("code", equalTo("unauthorized"));

            ConsumerRecord<String, String> created = events.await(
                    r -> id.equals(r.key()) && r.value().contains("\"project.created\""), Duration.ofSeconds(30));
            JsonNode envelope = JSON.readTree(created.value());
            assertEquals("project-service", envelope.get("source").asText());
            assertEquals("acme", envelope.get("org_id").asText());
            assertEquals(name, envelope.get("data").get("name").asText());

            Stack.api("bob")
                    .delete("/v1/projects/{id}", id)
                    .then()
                    .statusCode(403)
                    .body("code", equalTo("forbidden"));
            Stack.api("alice").delete("/v1/projects/{id}", id).then().statusCode(204);
            events.await(r -> id.equals(r.key()) && r.value().contains("\"project.deleted\""), Duration.ofSeconds(30));
            Stack.api("alice").get("/v1/projects/{id}", id).then().statusCode(404);
        }
    }

    @Test
    void badInputAndUnknownRoutesAreProblems() {
        Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", "Nope Nope"))
                .post("/v1/projects")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("code", equalTo("validation_failed"));
        Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", "ok-name", "region", "atlantis"))
                .post("/v1/projects")
                .then()
                .statusCode(422)
                .body("code", equalTo("unknown_region"));
        Stack.outsideContract()
                .auth()
                .oauth2(Stack.token("alice"))
                .get("/v1/definitely-not-a-route")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        Stack.anonymous().get("/v1/regions").then().statusCode(401);
        Stack.api("bob")
                .get("/v1/regions")
                .then()
                .statusCode(200)
                .body("find { it.id == 'local-1' }.pitr_available", equalTo(true))
                .body("find { it.id == 'local-2' }.pitr_available", equalTo(false));
    }

    @Test
    void theGatewayServesTheMergedApiDocument() {
        Stack.outsideContract()
                .get("/v1/openapi.json")
                .then()
                .statusCode(200)
                .body("paths", hasKey("/v1/projects"))
                .body("paths", hasKey("/v1/projects/{projectId}/connection"))
                .body("paths", hasKey("/v1/regions"));
        assertTrue(Stack.outsideContract().get("/docs/").statusCode() == 200);
    }
}
