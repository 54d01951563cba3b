package dev.capydb.imports;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.egress.EgressGate;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.imports.Sources.Source;
import dev.capydb.imports.dataplane.SourceFacts;
import dev.capydb.imports.dataplane.SourceInspector;
import dev.capydb.imports.dataplane.TargetFacts;
import dev.capydb.imports.service.Preflight;
import dev.capydb.imports.service.SourceGate;
import dev.capydb.testing.TestProjects;
import dev.capydb.testing.TestProjects.TestProject;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Preflight against real source clusters: pass, warn, fail with the offenders named, and refusals before connecting. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class PreflightTest {

    @Inject
    Sources sources;

    @Inject
    TestProjects projects;

    @Inject
    Preflight preflight;

    @Inject
    SourceGate gate;

    @Inject
    EgressGate egress;

    @Inject
    SourceInspector inspector;

    @Inject
    HostRegistry hosts;

    private static JsonPath preflight(TestProject p, String url) {
        return given().auth()
                .oauth2(TestTokens.bob())
                .contentType("application/json")
                .body(Map.of("source_url", url))
                .post("/v1/projects/{p}/imports/preflight", p.id())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static Map<String, String> statuses(JsonPath r) {
        Map<String, String> out = new java.util.TreeMap<>();
        List<Map<String, String>> checks = r.getList("checks");
        checks.forEach(c -> out.put(c.get("name"), c.get("status")));
        return out;
    }

    private static String detail(JsonPath r, String check) {
        return r.getString("checks.find { it.name == '" + check + "' }.detail");
    }

    @Test
    void aSourceWithAllowedExtensionsPassesEveryCheckAndIsNotChanged() throws Exception {
        TestProject p = projects.withData(1);
        Source s = sources.create(100, "pg_trgm", "hstore");
        JsonPath r = preflight(p, s.url());
        assertEquals("pass", r.getString("status"), r.prettify());
        assertEquals(
                Map.of(Preflight.EXTENSIONS, "pass", Preflight.SIZE, "pass", Preflight.VERSION, "pass"), statuses(r));
        assertTrue(detail(r, Preflight.EXTENSIONS).contains("hstore, pg_trgm"), r.prettify());
        assertTrue(detail(r, Preflight.VERSION).contains("source runs PostgreSQL 15, target host local-1 runs 15"));
        assertTrue(r.getString("source").contains(":****@"), "the password is masked");
        assertTrue(!r.prettify().contains(s.password()), "the password never comes back");
        assertEquals(100, Sources.count(s.owner(), "SELECT count(*) FROM items"));
    }

    @Test
    void aSourceNearThePlanLimitWarnsAndOneOverItFails() throws Exception {
        TestProject p = projects.withData(1);
        Source s = sources.create(10);
        long size = Sources.count(s.owner(), "SELECT pg_database_size(current_database())");
        sources.announce(p, size * 110 / 100, "active", 2);
        JsonPath warn = preflight(p, s.url());
        assertEquals("warn", warn.getString("status"), warn.prettify());
        assertEquals("warn", statuses(warn).get(Preflight.SIZE));
        sources.announce(p, size / 2, "active", 3);
        JsonPath fail = preflight(p, s.url());
        assertEquals("fail", fail.getString("status"));
        assertEquals("fail", statuses(fail).get(Preflight.SIZE));
    }

    @Test
    void extensionsOutsideTheAllowlistAreNamed() throws Exception {
        TestProject p = projects.withData(1);
        Source s = sources.create(1, "tablefunc", "pg_buffercache", "citext");
        JsonPath r = preflight(p, s.url());
        assertEquals("fail", r.getString("status"));
        assertEquals("fail", statuses(r).get(Preflight.EXTENSIONS));
        assertEquals("not on the allowlist: pg_buffercache, tablefunc", detail(r, Preflight.EXTENSIONS));
        assertEquals("pass", statuses(r).get(Preflight.SIZE));
    }

    @Test
    void versionsAreComparedWithWhatTheTargetHostRuns() throws Exception {
        TargetFacts target = TargetFacts.of(hosts.host("local-1"));
        assertEquals(15, target.major(), "the local hosts run PostgreSQL 15");
        assertTrue(target.availableExtensions().contains("postgis"));
        Preflight.Report newer = preflight.grade("src", new SourceFacts(170002, 1, List.of()), target, 1 << 30);
        assertEquals("fail", newer.status());
        assertTrue(
                newer.failures().contains("source runs PostgreSQL 17, target host local-1 runs 15"), newer.failures());
        assertEquals(
                "pass",
                preflight
                        .grade("src", new SourceFacts(140011, 1, List.of()), target, 1 << 30)
                        .status());
        // vector is on the allowlist, but these hosts have no pgvector package: preflight says so.
        Preflight.Check vector = preflight.extensions(List.of("vector", "postgis", "plpgsql"), target);
        assertEquals("fail", vector.status());
        assertEquals("not installed on target host local-1: vector", vector.detail());
    }

    @Test
    void anUnreachableSourceFailsWithTheReasonNotAServerError() throws Exception {
        TestProject p = projects.withData(1);
        JsonPath r = preflight(p, "postgres://app:pw@127.0.0.1:1/shop?sslmode=disable");
        assertEquals("fail", r.getString("status"));
        assertTrue(detail(r, Preflight.SIZE).contains("Connection refused"), r.prettify());
        // TLS is required unless the URL opts out; the local source speaks no TLS, so the reason says so.
        Source s = sources.create(1);
        JsonPath tls = preflight(p, s.url().replace("?sslmode=disable", ""));
        assertEquals("fail", tls.getString("status"));
        assertTrue(detail(tls, Preflight.SIZE).contains("SSL"), tls.prettify());
        assertTrue(!tls.prettify().contains(s.password()));
        JsonPath unknown = preflight(p, "postgres://app:pw@no-such-host.invalid/shop");
        assertEquals("fail", unknown.getString("status"));
        assertTrue(detail(unknown, Preflight.VERSION).contains("does not resolve"), unknown.prettify());
        JsonPath badPassword = preflight(p, s.url().replace(s.password(), "wrong-password"));
        assertTrue(
                detail(badPassword, Preflight.SIZE).contains("password authentication failed"), badPassword.prettify());
    }

    @Test
    void hostileUrlsAreRefusedWith422() {
        TestProject p = projects.withoutDatabase();
        for (String[] c : new String[][] {
            {"postgres://u:pw@169.254.169.254/db", "source_not_public"},
            {"postgres://u:pw@10.0.0.7:5432/db", "source_not_public"},
            {"postgres://u:pw@0x7f000001/db", "source_not_public"},
            {"postgres://u:pw@db.example.com/db?host=127.0.0.1", "source_parameter_not_allowed"},
            {"postgres://u:pw@%2Ftmp/db", "invalid_source_url"},
            {"mysql://u:pw@db.example.com/db", "invalid_source_url"}
        }) {
            given().auth()
                    .oauth2(TestTokens.bob())
                    .contentType("application/json")
                    .body(Map.of("source_url", c[0]))
                    .post("/v1/projects/{p}/imports/preflight", p.id())
                    .then()
                    .statusCode(422)
                    .contentType(containsString("application/problem+json"))
                    .body("code", equalTo(c[1]))
                    .body("detail", not(containsString("pw@")));
        }
        given().auth()
                .oauth2(TestTokens.carol())
                .contentType("application/json")
                .body(Map.of("source_url", "postgres://u@db.example.com/db"))
                .post("/v1/projects/{p}/imports/preflight", p.id())
                .then()
                .statusCode(404);
    }

    @Test
    void aRebindingDnsAnswerIsNeverUsedForTheConnection() throws Exception {
        Source s = sources.create(3);
        List<String> lookups = new ArrayList<>();
        // The first (checked) answer is the real source; any later answer points at an unroutable address.
        SourceGate rebinding = gate.withEgress(egress.withResolver(host -> {
            lookups.add(host);
            return List.of(InetAddress.getByName(lookups.size() == 1 ? "127.0.0.1" : "10.255.255.1"));
        }));
        SourceGate.CheckedSource checked = rebinding.check(s.url().replace("127.0.0.1", "source.rebind.test"));
        SourceFacts facts = inspector.inspect(checked);
        assertEquals(15, facts.major());
        assertEquals(1, lookups.size(), "resolved once, at the gate");
    }
}
