package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The running gateway serves exactly the committed contract, which the gate checks every other call against. */
class ContractE2EIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theGatewayServesTheCommittedContract() throws Exception {
        String served = Stack.outsideContract()
                .get("/v1/openapi.json")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .extract()
                .asString();
        JsonNode committed = JSON.readTree(Contract.document());
        // Equal as JSON (key order and spacing aside): every service is up and describes what the build recorded.
        assertEquals(committed, JSON.readTree(served), "GET /v1/openapi.json differs from api/openapi.json");
    }
}
