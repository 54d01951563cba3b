package dev.capydb.imports;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.imports.Sources.Source;
import dev.capydb.testing.LogCapture;
import dev.capydb.testing.PrometheusText;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Two real imports (an uploaded dump through a presigned URL, a live source URL with its password): both are
 * counted as import jobs, the dump's bytes as downloaded, and nothing secret reaches the logs.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ObservabilityTest {

    @Inject
    Sources sources;

    @Inject
    TestProjects projects;

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static String start(TestProject p, Map<String, Object> body) {
        return given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(body)
                .post("/v1/projects/{p}/imports", p.id())
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    @Test
    void importsAreCountedAndTheirSecretsStayOutOfTheLogs() throws Exception {
        String before = metrics();
        TestProject p = projects.withData(3);
        Source s = sources.create(500);
        Path file = sources.dump(s, true);
        try (LogCapture logs = LogCapture.start()) {
            Logger.getLogger(ObservabilityTest.class).info("log capture started");
            String uploadId = Sources.upload(p, file);
            assertEquals(
                    "completed",
                    Sources.await(p, start(p, Map.of("upload_id", uploadId, "recreate", true)))
                            .getString("status"));
            assertEquals(
                    "completed",
                    Sources.await(p, start(p, Map.of("source_url", s.url(), "recreate", true)))
                            .getString("status"));

            assertFalse(logs.containing("log capture started").isEmpty(), "the capture must see the service's logs");
            for (String secret : List.of(
                    s.password(),
                    s.url(),
                    "X-Amz-Signature",
                    "X-Amz-Credential",
                    TestTokens.alice(),
                    TestTokens.bob())) {
                assertEquals(List.of(), logs.containing(secret), "logged a secret");
            }
        }
        String after = metrics();
        String[] completedImports = {
            PrometheusText.label("kind", "import"), PrometheusText.label("outcome", "completed")
        };
        assertEquals(
                2.0,
                PrometheusText.sum(after, "capydb_job_duration_seconds_count", completedImports)
                        - PrometheusText.sum(before, "capydb_job_duration_seconds_count", completedImports),
                after);
        String download = PrometheusText.label("direction", "download");
        assertTrue(
                PrometheusText.sum(after, "capydb_bytes_moved_total", download)
                                - PrometheusText.sum(before, "capydb_bytes_moved_total", download)
                        >= Files.size(file),
                "the uploaded dump was read back from object storage");
    }
}
