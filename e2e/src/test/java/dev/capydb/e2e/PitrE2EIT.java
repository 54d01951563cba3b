package dev.capydb.e2e;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Point-in-time restore through the gateway: a bad insert after T is gone from a preview restored to T. */
@ExtendWith(ContractGate.class)
class PitrE2EIT {

    @Test
    void aliceRestoresHerProjectToJustBeforeABadInsert() throws Exception {
        String id = Stack.api("alice").contentType("application/json")
                .body(Map.of("name", "e2e-pitr-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects").then().statusCode(201).body("pitr.available", equalTo(true)).extract().path("id");
        String url = Stack.api("alice").get("/v1/projects/{id}/connection", id).then().extract().path("database_url");
        Stack.psql(url, "CREATE TABLE ledger (id int primary key); INSERT INTO ledger SELECT generate_series(1, 10)");

        // The window exists once backup-service's first base backup reached restore-service: a restore point at
        // "now" is accepted from then on.
        Response point = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            point = Stack.api("alice").contentType("application/json").body(Map.of("label", "before-bad-insert"))
                    .post("/v1/projects/{id}/restore-points", id);
            if (point.statusCode() == 201) {
                break;
            }
            Thread.sleep(1000);
        }
        point.then().statusCode(201).body("kind", equalTo("pitr"));
        String pointId = point.path("id");
        Thread.sleep(1500);
        Stack.psql(url, "DELETE FROM ledger WHERE id > 3");

        String restoreId = Stack.api("alice").contentType("application/json")
                .body(Map.of("restore_point_id", pointId, "preview_name", "recovered"))
                .post("/v1/projects/{id}/restores", id).then().statusCode(202)
                .body("source_kind", equalTo("restore_point")).extract().path("id");
        JsonPath r = null;
        deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        while (System.nanoTime() < deadline) {
            r = Stack.api("alice").get("/v1/projects/{id}/restores/{r}", id, restoreId).then().statusCode(200)
                    .extract().jsonPath();
            if (r.getString("status").matches("completed|failed")) {
                break;
            }
            Thread.sleep(500);
        }
        assertEquals("completed", r.getString("status"), r.prettify());
        String previewUrl = Stack.api("alice").get("/v1/projects/{id}/previews/{p}/connection", id, r.getString("preview_id"))
                .then().statusCode(200).extract().path("database_url");
        assertEquals("10", Stack.psql(previewUrl, "SELECT count(*) FROM ledger"), "the deleted rows are back in the preview");
        assertEquals("3", Stack.psql(url, "SELECT count(*) FROM ledger"), "production is as the user left it");
        Stack.api("alice").delete("/v1/projects/{id}", id).then().statusCode(204);
    }
}
