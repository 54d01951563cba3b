package dev.capydb.chassis;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.openapi.Refusals;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAPI document lists every refusal as problem+json and closes request bodies, as the service behaves. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ContractFilterTest {

    private static final String CREATE = "paths.'/test/things'.post.responses";
    private static final String READ = "paths.'/test/projects/{id}'.get.responses";

    @Test
    void everyOperationListsItsRefusalsAsProblems() {
        JsonPath doc = given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        for (String status : List.of("400", "401", "403", "422", "429", "500", "503")) {
            assertEquals("#/components/schemas/Problem", problemRef(doc, CREATE, status), "POST " + status);
        }
        for (String status : List.of("401", "403", "404", "429", "500", "503")) {
            assertEquals("#/components/schemas/Problem", problemRef(doc, READ, status), "GET " + status);
        }
        // A read changes no state that could refuse it.
        assertNull(doc.get(READ + ".'409'"));
        assertTrue(doc.getString(CREATE + ".'422'.description").contains("unknown_field"));
        assertEquals("integer", doc.getString(CREATE + ".'429'.headers.'Retry-After'.schema.type"));
        assertEquals(
                List.of("type", "title", "status", "code", "detail"),
                doc.getList("components.schemas.Problem.required"));
        assertEquals(
                Boolean.FALSE,
                doc.<Boolean>get("components.schemas.Thing.additionalProperties"),
                "request bodies are closed");
        assertEquals(
                "createTest", doc.getString("paths.'/test/things'.post.operationId"), "verb first, then the resource");
    }

    @Test
    void aRefusalTheResourceDeclaresKeepsItsCodesAndBecomesAProblem() {
        JsonPath doc = given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(Refusals.PROJECT_NOT_FOUND, doc.getString(READ + ".'404'.description"));
        assertEquals("#/components/schemas/Problem", problemRef(doc, READ, "404"));
        // Declaring a refusal must not cost the operation its success response, inferred from the return type.
        assertEquals(
                "#/components/schemas/ProjectView",
                doc.getString(READ + ".'200'.content.'application/json'.schema.'$ref'"));
        // A status the resource leaves undeclared keeps the generic text.
        assertTrue(doc.getString(READ + ".'401'.description").startsWith("`unauthorized`"));
    }

    private static String problemRef(JsonPath doc, String responses, String status) {
        return doc.getString(responses + ".'" + status + "'.content.'application/problem+json'.schema.'$ref'");
    }
}
