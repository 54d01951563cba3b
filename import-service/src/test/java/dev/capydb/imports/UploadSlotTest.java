package dev.capydb.imports;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An upload slot takes a file of the declared size and nothing bigger: the size is part of the URL's signature. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class UploadSlotTest {

    @Inject
    TestProjects projects;

    @Inject
    ObjectStore store;

    @Inject
    StorageConfig storage;

    @Test
    void aSlotForOneKilobyteRefusesFourMegabytesAndTakesItsOwnKilobyte() throws Exception {
        TestProject p = projects.withoutDatabase();
        JsonPath slot = given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("filename", "small.sql", "size_bytes", 1024))
                .post("/v1/projects/{p}/imports/uploads", p.id())
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        String key = "projects/" + p.id() + "/uploads/" + slot.getString("upload_id") + ".dump";

        Path big = Files.createTempFile("big", ".sql");
        Path small = Files.createTempFile("small", ".sql");
        try {
            Files.write(big, new byte[4 * 1024 * 1024]);
            Files.write(
                    small,
                    "-- a kilobyte\n".repeat(1024 / 14 + 1).substring(0, 1024).getBytes());
            assertNotEquals(0, Sources.put(big, slot.getString("upload_url")), "4 MB into a 1 KB slot must be refused");
            assertEquals(Optional.empty(), store.size(storage.importsBucket(), key), "nothing was stored");

            assertEquals(0, Sources.put(small, slot.getString("upload_url")), "the declared size is accepted");
            assertEquals(Optional.of(1024L), store.size(storage.importsBucket(), key));
        } finally {
            Files.deleteIfExists(big);
            Files.deleteIfExists(small);
        }
    }
}
