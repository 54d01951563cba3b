package dev.capydb.e2e;

import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole flow through the TypeScript SDK that the build generates from {@code api/openapi.json} and type-checks
 * (module sdk/typescript): its compiled {@code e2e/flow.ts} runs on the machine's Node.js against the stack, backs
 * up a project made here, restores it into a preview and asks for the cutover; this test checks what it made, and
 * every call the flow made against the contract ({@link ContractProxy}).
 */
class SdkTypeScriptE2EIT {

    @RegisterExtension
    static final ContractProxy gate = ContractProxy.toGateway();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void backUpRestoreIntoAPreviewAndAskForACutoverThroughTheTypeScriptSdk() throws Exception {
        String project = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", "sdk-ts-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        try {
            Stack.psql(
                    Jobs.databaseUrl(project),
                    "CREATE TABLE notes (id int primary key, body text);"
                            + " INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 17) g");

            JsonNode made = runFlow(Map.of(
                    "CAPYDB_GATEWAY", gate.url(), "CAPYDB_TOKEN", Stack.token("alice"), "CAPYDB_PROJECT", project));
            assertEquals("completed", made.get("backup_status").asText(), made.toString());
            assertEquals("completed", made.get("restore_status").asText(), made.toString());
            assertEquals("17", Stack.psql(made.get("preview_url").asText(), "SELECT count(*) FROM notes"));
            assertEquals("open", made.get("cutover_status").asText(), made.toString());
            assertEquals(404, made.get("missing_status").asInt(), "a refusal reaches the SDK as its problem");
            assertEquals("not_found", made.get("missing_code").asText(), made.toString());
            assertTrue(gate.checked() >= 6, "the contract gate saw the flow's calls: " + gate.checked());
            Stack.api("olga")
                    .get("/v1/operator/cutover-requests?status=open&limit=100")
                    .then()
                    .statusCode(200)
                    .body("items.id", hasItem(made.get("cutover_id").asText()));
        } finally {
            Stack.api("alice").delete("/v1/projects/{id}", project);
        }
    }

    /** Runs the compiled flow with {@code env}; its last stdout line is the JSON of what it made. */
    private static JsonNode runFlow(Map<String, String> env) throws Exception {
        Path flow = StackControl.repo().resolve("sdk/typescript/dist/e2e/flow.js");
        if (!Files.exists(flow)) {
            throw new AssertionError(flow + " is missing: the build compiles it (mvn install builds sdk/typescript)");
        }
        Path err = Files.createTempFile("sdk-ts-flow", ".log");
        ProcessBuilder pb = new ProcessBuilder(List.of("node", flow.toString())).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(Duration.ofMinutes(8).toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the TypeScript flow did not finish: " + stderr(err));
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("the TypeScript flow failed (" + p.exitValue() + "): " + stderr(err));
        }
        String[] lines = out.strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static String stderr(Path file) throws IOException {
        return Files.readString(file);
    }
}
