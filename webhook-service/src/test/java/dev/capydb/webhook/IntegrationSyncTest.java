package dev.capydb.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.status;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestTokens;
import dev.capydb.testing.Waits;
import dev.capydb.webhook.messaging.EventConsumers;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Env re-push to Vercel and Netlify (WireMock fakes; the tests verify the requests they got) after the project's data was replaced. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
@QuarkusTestResource(FakeProviders.class)
class IntegrationSyncTest {

    @Inject
    TestProjects projects;

    @Inject
    EventConsumers consumers;

    @Inject
    AgroalDataSource dataSource;

    private JsonPath awaitSync(UUID project, String id, String status) {
        return Waits.until(
                Duration.ofSeconds(15),
                "the sync becomes " + status,
                () -> given().auth()
                        .oauth2(TestTokens.bob())
                        .get("/v1/projects/{p}/integrations/{i}", project, id)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath(),
                i -> status.equals(i.getString("last_sync.status")));
    }

    @Test
    void vercelGetsBothUrlsUpsertedAfterARestoreIntoTheProject() throws Exception {
        UUID project = projects.withoutDatabase().id();
        String vercelProject = "prj_" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/v10/projects/" + vercelProject + "/env";
        JsonPath created = given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of(
                        "provider",
                        "vercel",
                        "access_token",
                        "vercel-token-123",
                        "project_id",
                        vercelProject,
                        "team_id",
                        "team_42",
                        "targets",
                        List.of("production", "preview")))
                .post("/v1/projects/{p}/integrations", project)
                .then()
                .statusCode(201)
                .body(not(containsString("vercel-token-123")))
                .extract()
                .jsonPath();
        String id = created.getString("id");
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT token_sealed FROM integration WHERE id = '" + id + "'")) {
            rs.next();
            assertFalse(rs.getString(1).contains("vercel-token-123"), "the token is sealed at rest");
        }

        // A restore into a preview does not touch the apps; one into the project does.
        consumers.handle("webhook-restores", Events.json(Events.restoreCompleted(project, "new_preview")));
        consumers.handle("webhook-restores", Events.json(Events.restoreCompleted(project, "project")));

        LoggedRequest r =
                FakeProviders.await(anyRequestedFor(urlPathEqualTo(path)), 1).get(0);
        assertEquals("POST", r.getMethod().getName());
        assertEquals(path + "?upsert=true&teamId=team_42", r.getUrl());
        assertEquals("Bearer vercel-token-123", r.getHeader("Authorization"));
        JsonPath body = JsonPath.from(r.getBodyAsString());
        assertEquals(List.of("DATABASE_URL", "DATABASE_URL_UNPOOLED"), body.getList("key"));
        assertEquals(TestConnections.pooled(project), body.getString("[0].value"));
        assertEquals(TestConnections.unpooled(project), body.getString("[1].value"));
        assertEquals(List.of("production", "preview"), body.getList("[0].target"));
        assertEquals("encrypted", body.getString("[0].type"));
        JsonPath synced = awaitSync(project, id, "succeeded");
        assertEquals("restore.completed", synced.getString("last_sync.trigger"));
        Waits.during(
                Duration.ofSeconds(1),
                "the preview restore pushes nothing",
                () -> FakeProviders.requests(anyRequestedFor(urlPathEqualTo(path)))
                                .size()
                        == 1);

        given().auth()
                .oauth2(TestTokens.bob())
                .get("/v1/projects/{p}/integrations", project)
                .then()
                .statusCode(200)
                .body("items.id", hasItem(id))
                .body(not(containsString("vercel-token-123")));
    }

    @Test
    void netlifyVariablesAreCreatedWhenMissingAndFailuresAreRetriedAndShown() throws Exception {
        UUID project = projects.withoutDatabase().id();
        String account = "acct-" + UUID.randomUUID().toString().substring(0, 8);
        String base = "/api/v1/accounts/" + account + "/env";
        // DATABASE_URL exists (PUT succeeds); DATABASE_URL_UNPOOLED does not yet (PUT 404, then POST creates it).
        FakeProviders.server.stubFor(
                any(urlPathEqualTo(base + "/DATABASE_URL_UNPOOLED")).willReturn(notFound()));
        // The first create fails (502), every later one succeeds.
        FakeProviders.server.stubFor(any(urlPathEqualTo(base))
                .inScenario(account)
                .whenScenarioStateIs(STARTED)
                .willSetStateTo("failed once")
                .willReturn(status(502)));
        FakeProviders.server.stubFor(any(urlPathEqualTo(base))
                .inScenario(account)
                .whenScenarioStateIs("failed once")
                .willReturn(status(201)));
        String id = given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of(
                        "provider", "netlify", "access_token", "nfp_token", "account_id", account, "site_id", "site-1"))
                .post("/v1/projects/{p}/integrations", project)
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        consumers.handle(
                "webhook-imports",
                Events.json(Events.envelope(
                        dev.capydb.events.EventType.IMPORT_COMPLETED,
                        project,
                        null,
                        new dev.capydb.events.ImportPayload(
                                UUID.randomUUID(),
                                project,
                                "upload",
                                "app.dump",
                                true,
                                "completed",
                                100L,
                                null,
                                java.time.Instant.now(),
                                java.time.Instant.now()))));

        List<LoggedRequest> posts = FakeProviders.await(anyRequestedFor(urlPathEqualTo(base)), 2);
        LoggedRequest put = FakeProviders.requests(anyRequestedFor(urlPathEqualTo(base + "/DATABASE_URL")))
                .get(0);
        assertEquals("PUT", put.getMethod().getName());
        assertEquals(base + "/DATABASE_URL?site_id=site-1", put.getUrl());
        assertEquals("Bearer nfp_token", put.getHeader("Authorization"));
        assertEquals(
                TestConnections.pooled(project),
                JsonPath.from(put.getBodyAsString()).getString("values[0].value"));
        assertEquals("all", JsonPath.from(put.getBodyAsString()).getString("values[0].context"));
        assertEquals("POST", posts.get(1).getMethod().getName());
        JsonPath create = JsonPath.from(posts.get(1).getBodyAsString());
        assertEquals("DATABASE_URL_UNPOOLED", create.getString("[0].key"));
        assertEquals(TestConnections.unpooled(project), create.getString("[0].values[0].value"));
        JsonPath done = awaitSync(project, id, "succeeded");
        assertEquals("import.completed", done.getString("last_sync.trigger"));

        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(Map.of("provider", "netlify", "access_token", "x"))
                .post("/v1/projects/{p}/integrations", project)
                .then()
                .statusCode(422)
                .body("errors.field", hasItem("account_id"));
        given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("provider", "vercel", "access_token", "x", "project_id", "p"))
                .post("/v1/projects/{p}/integrations", project)
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TestTokens.alice())
                .delete("/v1/projects/{p}/integrations/{i}", project, id)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(TestTokens.alice())
                .get("/v1/projects/{p}/integrations/{i}", project, id)
                .then()
                .statusCode(404)
                .body("code", equalTo("not_found"));
    }
}
