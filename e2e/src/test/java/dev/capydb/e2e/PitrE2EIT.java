package dev.capydb.e2e;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.testing.Waits;
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
        String id = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", "e2e-pitr-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .body("pitr.available", equalTo(true))
                .extract()
                .path("id");
        String url = Stack.api("alice")
                .get("/v1/projects/{id}/connection", id)
                .then()
                .extract()
                .path("database_url");
        Stack.psql(url, "CREATE TABLE ledger (id int primary key); INSERT INTO ledger SELECT generate_series(1, 10)");

        // The window exists once backup-service's first base backup reached restore-service: a restore point at
        // "now" is accepted from then on. Retried only while the API says so; any other refusal fails at once.
        Response point = Waits.until(
                Waits.await("restore-service knows the project's PITR window", Duration.ofSeconds(120))
                        .pollInterval(Duration.ofSeconds(1)),
                "a PITR restore point is accepted",
                () -> Stack.api("alice")
                        .contentType("application/json")
                        .body(Map.of("label", "before-bad-insert"))
                        .post("/v1/projects/{id}/restore-points", id),
                p -> p.statusCode() != 422 || !"target_outside_window".equals(p.path("code")),
                Response::asString);
        point.then().statusCode(201).body("kind", equalTo("pitr"));
        String pointId = point.path("id");
        // Not a wait: the delete must commit clearly after the point's time, which recovery compares commits with.
        Thread.sleep(1500);
        Stack.psql(url, "DELETE FROM ledger WHERE id > 3");

        String restoreId = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("restore_point_id", pointId, "preview_name", "recovered"))
                .post("/v1/projects/{id}/restores", id)
                .then()
                .statusCode(202)
                .body("source_kind", equalTo("restore_point"))
                .extract()
                .path("id");
        JsonPath r = Jobs.awaitRestore(
                id, restoreId, x -> x.getString("status").matches("completed|failed"), Duration.ofSeconds(240));
        assertEquals("completed", r.getString("status"), r.prettify());
        String previewUrl = Stack.api("alice")
                .get("/v1/projects/{id}/previews/{p}/connection", id, r.getString("preview_id"))
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
        assertEquals(
                "10",
                Stack.psql(previewUrl, "SELECT count(*) FROM ledger"),
                "the deleted rows are back in the preview");
        assertEquals("3", Stack.psql(url, "SELECT count(*) FROM ledger"), "production is as the user left it");
        Stack.api("alice").delete("/v1/projects/{id}", id).then().statusCode(204);
    }
}
