package dev.capydb.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.capydb.imports.Sources.Source;
import dev.capydb.testing.HostileTenant;
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
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * Imports of a source whose owner planted code meant to run as a superuser ({@link HostileTenant}): by URL and by
 * uploaded custom and plain dumps, into the project and through a recreate, every load completes as the project's
 * own role, the SECURITY DEFINER function stays the project's, and the code never runs as a superuser.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class TenantIsolationTest {

    @Inject
    Sources sources;

    @Inject
    TestProjects projects;

    @Test
    void urlAndUploadImportsOfAHostileSourceLoadAsTheProjectsRole() throws Exception {
        Source s = sources.create(10);
        HostileTenant tenant;
        try (Connection c = s.owner()) {
            tenant = HostileTenant.plant(c);
        }
        for (boolean recreate : new boolean[] {false, true}) {
            TestProject p = sources.emptyProject();
            JsonPath done = Sources.await(
                    p,
                    ImportTest.start(
                            p, TestTokens.alice(), ImportTest.body("source_url", s.url(), "recreate", recreate)));
            assertEquals("completed", done.getString("status"), done.prettify());
            assertLoaded(p);
        }
        for (boolean custom : new boolean[] {true, false}) {
            Path file = sources.dump(s, custom);
            try {
                TestProject p = projects.withData(3);
                JsonPath done = Sources.await(
                        p,
                        ImportTest.start(
                                p,
                                TestTokens.alice(),
                                ImportTest.body("upload_id", Sources.upload(p, file), "recreate", true)));
                assertEquals("completed", done.getString("status"), done.prettify());
                assertLoaded(p);
            } finally {
                Files.deleteIfExists(file);
            }
        }
        assertFalse(tenant.escalated(), "a superuser ran the tenant's code");
    }

    private static void assertLoaded(TestProject p) throws Exception {
        assertEquals(HostileTenant.GUARDED_ROWS, Sources.count(p.connect(), "SELECT count(*) FROM public.guarded"));
        try (Connection c = p.connect()) {
            assertEquals(p.database(), HostileTenant.definerOwner(c));
        }
    }
}
