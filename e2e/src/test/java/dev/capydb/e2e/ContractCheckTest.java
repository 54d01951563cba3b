package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gate itself, without the stack: it sees what breaks the contract and lets refusals of bad input pass. */
class ContractCheckTest {

    private static final String PROJECTS = "/v1/projects";
    private static final String PROBLEM = "{\"type\":\"https://docs.capydb.dev/errors/validation_failed\","
            + "\"title\":\"Unprocessable Entity\",\"status\":422,\"code\":\"validation_failed\",\"detail\":\"bad name\"}";

    @Test
    void anUndocumentedStatusIsAViolation() {
        Optional<String> found = check("GET", PROJECTS + "/0b7f6a52-3c1e-4a8e-9f0d-2a6c1d9e4b71", null, 418, "");
        assertTrue(found.isPresent());
        assertTrue(found.get().contains("418"), found.get());
    }

    @Test
    void aProblemWithoutItsCodeIsAViolation() {
        Optional<String> found = check(
                "POST", PROJECTS, "{\"name\":\"ok\"}", 422, PROBLEM.replace(",\"code\":\"validation_failed\"", ""));
        assertTrue(found.isPresent());
        assertTrue(found.get().contains("code"), found.get());
    }

    @Test
    void inputOutsideTheContractMustBeRefused() {
        String badName = "{\"name\":\"Nope Nope\"}";
        assertEquals(Optional.empty(), check("POST", PROJECTS, badName, 422, PROBLEM), "refused: as it should be");
        Optional<String> accepted = check("POST", PROJECTS, badName, 201, "{}");
        assertTrue(accepted.isPresent(), "accepting what the document forbids is a violation");
        assertTrue(accepted.get().contains("validation.request.body"), accepted.get());
        Optional<String> unknownField = check("POST", PROJECTS, "{\"name\":\"ok\",\"dry_run\":true}", 201, "{}");
        assertTrue(unknownField.isPresent() && unknownField.get().contains("dry_run"), unknownField.toString());
    }

    private static Optional<String> check(String method, String path, String body, int status, String answer) {
        Map<String, List<String>> answered =
                Map.of("Content-Type", List.of(status >= 400 ? "application/problem+json" : "application/json"));
        return Contract.get()
                .check(new Contract.Exchange(
                        method,
                        URI.create("http://gateway" + path),
                        Map.of("Authorization", List.of("Bearer x"), "Content-Type", List.of("application/json")),
                        body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                        status,
                        answered,
                        answer.getBytes(StandardCharsets.UTF_8)));
    }
}
