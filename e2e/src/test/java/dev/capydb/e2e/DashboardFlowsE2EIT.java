package dev.capydb.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.sun.net.httpserver.HttpServer;
import io.restassured.path.json.JsonPath;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rest of the dashboard in a real headless browser: schedule editor with server validation, restore over
 * production (admins, typed confirmation), restore points, imports by URL (preflight) and by upload (presigned PUT
 * from the browser, so s3proxy's CORS), webhooks; every control named, one flow driven by the keyboard only.
 */
class DashboardFlowsE2EIT extends BrowserIT {

    private static final double LONG = 300_000;
    private static final LocatorAssertions.ContainsTextOptions SLOW =
            new LocatorAssertions.ContainsTextOptions().setTimeout(LONG);

    @Test
    void backupsByKeyboardScheduleRestoreOverProductionAndRestorePoints() throws Exception {
        String name = "ui-bk-" + UUID.randomUUID().toString().substring(0, 8);
        String project = project(name);
        String db = url(project);
        Stack.psql(db, "CREATE TABLE t (id int); INSERT INTO t VALUES (1)");

        BrowserContext aliceCtx = dashboard.newContext();
        BrowserContext bobCtx = dashboard.newContext();
        Page alice = dashboard.signIn(aliceCtx, "alice", "/#/" + project + "/backups");
        assertThat(alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save schedule")))
                .isVisible();
        Dashboard.assertEveryControlNamed(alice);

        // Keyboard only: Tab to the label field, type, Tab to the button (focus visible at each stop), Enter.
        Dashboard.tabTo(alice, "form[aria-label='Create a backup'] input[name=label]");
        alice.keyboard().type("kb-first");
        alice.keyboard().press("Tab");
        assertEquals("Create backup", alice.evaluate("() => document.activeElement.textContent"));
        Dashboard.assertFocusVisible(alice);
        alice.keyboard().press("Enter");
        Locator backup = alice.locator("tr[data-backup='kb-first']");
        assertThat(backup).containsText("completed", SLOW);
        dashboard.shot(alice, "10-backup-created-by-keyboard");

        // Space opens the restore form on the row's button; focus moves into the form.
        Dashboard.tabTo(alice, "tr[data-backup='kb-first'] button");
        alice.keyboard().press("Space");
        assertEquals("preview_name", alice.evaluate("() => document.activeElement.name"));
        Dashboard.assertEveryControlNamed(alice);

        // Schedule editor: the browser refuses an hour of 24 next to the field, before any request.
        Locator schedule = alice.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Backup schedule"));
        Locator hour = schedule.getByLabel("Hour (UTC, 0–23)");
        hour.fill("24");
        schedule.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save schedule"))
                .click();
        assertThat(hour).hasAttribute("aria-invalid", "true");
        assertThat(schedule.locator(".field-error")).isVisible();
        // The service is the authority: a client whose own check was bypassed (here: the bounds removed) gets
        // the problem+json detail in the form's alert, and the field it names is marked.
        hour.evaluate("el => { el.removeAttribute('max'); el.removeAttribute('min'); }");
        schedule.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save schedule"))
                .click();
        assertThat(schedule.getByRole(AriaRole.ALERT)).hasText("hour: must be 0-23 (UTC)");
        assertThat(hour).hasAttribute("aria-invalid", "true");
        dashboard.shot(alice, "11-schedule-validation-from-problem-detail");
        hour.fill("4");
        schedule.getByLabel("Minute (0–59)").fill("30");
        schedule.getByLabel("Retention (days, 1–365)").fill("14");
        schedule.getByLabel("Active").check();
        schedule.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save schedule"))
                .click();
        assertThat(alice.locator("#status")).hasText("Schedule saved.");
        assertThat(schedule.getByRole(AriaRole.ALERT)).isEmpty();
        JsonPath saved = Stack.api("alice")
                .get("/v1/projects/{id}/scheduled-backups/default", project)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(
                List.of(4, 30, 14, true),
                List.of(
                        saved.getInt("hour"),
                        saved.getInt("minute"),
                        saved.getInt("retention_days"),
                        saved.getBoolean("active")));

        // Restore over production: admins only, after typing the project name; a wrong name is refused.
        Stack.psql(db, "INSERT INTO t VALUES (2)");
        Locator restore =
                alice.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Restore backup kb-first"));
        restore.getByLabel("Into the project (overwrites production)").check();
        restore.getByLabel("Project name", new Locator.GetByLabelOptions().setExact(true))
                .fill("not-" + name);
        restore.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Start restore"))
                .click();
        assertThat(restore.getByRole(AriaRole.ALERT)).containsText("Type the project name \"" + name + "\"");
        restore.getByLabel("Project name", new Locator.GetByLabelOptions().setExact(true))
                .fill(name);
        restore.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Start restore"))
                .click();
        assertThat(alice.locator(
                        ".jobs li", new Page.LocatorOptions().setHasText("Restore of kb-first into production")))
                .containsText("completed", SLOW);
        assertEquals("1", Stack.psql(db, "SELECT string_agg(id::text, ',') FROM t"));
        dashboard.shot(alice, "12-restored-over-production");

        // A member sees the overwrite target, disabled.
        Page bob = dashboard.signIn(bobCtx, "bob", "/#/" + project + "/backups");
        bob.locator("tr[data-backup='kb-first']").getByRole(AriaRole.BUTTON).click();
        assertThat(bob.getByLabel("Into the project (org admins only)")).isDisabled();
        assertThat(bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save schedule")))
                .isDisabled();
        dashboard.shot(bob, "13-member-cannot-overwrite");

        // Restore points: the tablist follows the arrow keys; create one naming the backup, see it listed.
        alice.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Backups"))
                .focus();
        alice.keyboard().press("ArrowRight");
        assertThat(alice.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Previews")))
                .hasAttribute("aria-selected", "true");
        alice.keyboard().press("ArrowRight");
        Locator tab = alice.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Restore points"));
        assertThat(tab).hasAttribute("aria-selected", "true");
        assertThat(tab).isFocused();
        Locator create = alice.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Create a restore point"));
        create.getByLabel("Label").fill("rp-ui");
        create.getByLabel("Backup", new Locator.GetByLabelOptions().setExact(true))
                .first()
                .check();
        create.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create restore point"))
                .click();
        Locator rp = alice.locator("tr[data-rp='rp-ui']");
        assertThat(rp).containsText("backup", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        Dashboard.assertEveryControlNamed(alice);
        dashboard.shot(alice, "14-restore-point-created");
        assertEquals(
                "backup",
                Stack.api("alice")
                        .get("/v1/projects/{id}/restore-points", project)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getString("items.find { it.label == 'rp-ui' }.kind"));
    }

    @Test
    void importByUrlWithPreflightAndByUploadWithProgress() throws Exception {
        String source = project("ui-src-" + UUID.randomUUID().toString().substring(0, 8));
        Stack.psql(
                url(source),
                "CREATE TABLE items (id int primary key); INSERT INTO items SELECT generate_series(1, 321)");
        String odd = project("ui-ext-" + UUID.randomUUID().toString().substring(0, 8));
        Stack.psql(url(odd), "CREATE EXTENSION intarray"); // trusted, but outside the 13-extension allowlist
        String target = project("ui-imp-" + UUID.randomUUID().toString().substring(0, 8));

        BrowserContext ctx = dashboard.newContext();
        Page alice = dashboard.signIn(ctx, "alice", "/#/" + target + "/import");
        Locator byUrl = alice.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Import from a URL"));
        assertThat(byUrl).isVisible();
        Dashboard.assertEveryControlNamed(alice);

        // A source with an extension outside the allowlist: the check fails and names it.
        byUrl.getByLabel("Source URL").fill(url(odd) + "?sslmode=disable");
        byUrl.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run preflight"))
                .click();
        assertThat(alice.locator("li[data-check='extensions_available_on_target']"))
                .containsText("fail", new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
        assertThat(alice.locator("li[data-check='extensions_available_on_target']"))
                .containsText("intarray");
        assertThat(alice.locator("li[data-preflight]")).containsText("fail");
        dashboard.shot(alice, "20-preflight-fail");

        // The real source passes all three checks, then imports.
        byUrl.getByLabel("Source URL").fill(url(source) + "?sslmode=disable");
        byUrl.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run preflight"))
                .click();
        for (String check :
                List.of("source_size_within_plan", "source_version_compatible", "extensions_available_on_target")) {
            assertThat(alice.locator("li[data-check='" + check + "'] .badge"))
                    .hasText("pass", new LocatorAssertions.HasTextOptions().setTimeout(60_000));
        }
        dashboard.shot(alice, "21-preflight-pass");
        byUrl.getByRole(AriaRole.CHECKBOX).check();
        byUrl.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Import"))
                .click();
        assertThat(alice.locator(".jobs li", new Page.LocatorOptions().setHasText("Import from URL")))
                .containsText("completed", SLOW);
        assertEquals("321", Stack.psql(url(target), "SELECT count(*) FROM items"));
        dashboard.shot(alice, "22-imported-from-url");

        // Upload mode: a real pg_dump -Fc file goes from the browser straight to the presigned URL.
        Stack.psql(url(source), "CREATE TABLE uploaded (note text); INSERT INTO uploaded VALUES ('from the browser')");
        Path dump = Files.createTempFile("ui-import", ".dump");
        run("pg_dump", "-Fc", "--no-owner", "-d", url(source), "-f", dump.toString());
        alice.getByLabel("Upload dump file").check();
        Locator byFile = alice.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Import a dump file"));
        byFile.getByLabel("Dump file (pg_dump -Fc or plain SQL)").setInputFiles(dump);
        byFile.getByRole(AriaRole.CHECKBOX).check();
        Dashboard.assertEveryControlNamed(alice);
        byFile.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Upload and import"))
                .click();
        assertThat(byFile.getByRole(AriaRole.PROGRESSBAR, new Locator.GetByRoleOptions().setName("Upload progress")))
                .hasAttribute("value", "100", new LocatorAssertions.HasAttributeOptions().setTimeout(60_000));
        assertThat(byFile).containsText("100%");
        assertThat(alice.locator(".jobs li", new Page.LocatorOptions().setHasText("Import of ui-import")))
                .containsText("completed", SLOW);
        assertThat(byFile.getByRole(AriaRole.ALERT)).isEmpty();
        assertEquals("from the browser", Stack.psql(url(target), "SELECT note FROM uploaded"));
        dashboard.shot(alice, "23-imported-from-upload");
        Files.deleteIfExists(dump);
    }

    @Test
    void webhookSecretShownOnceAndTestDelivery() throws Exception {
        String project = project("ui-wh-" + UUID.randomUUID().toString().substring(0, 8));
        List<String> received = new CopyOnWriteArrayList<>();
        // Not WireMock: a customer's webhook receiver that only collects the signed bodies the service delivers.
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        BrowserContext ctx = dashboard.newContext();
        try {
            Page alice = dashboard.signIn(ctx, "alice", "/#/" + project + "/webhooks");
            Locator add = alice.getByRole(AriaRole.FORM, new Page.GetByRoleOptions().setName("Add a webhook endpoint"));
            assertThat(add).isVisible();
            Dashboard.assertEveryControlNamed(alice);
            add.getByLabel("Endpoint URL").fill(hook);
            add.getByLabel("Description").fill("ui receiver");
            add.getByLabel("Event types (comma-separated, empty = all)").fill("backup.completed, job.completed");
            add.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add endpoint"))
                    .click();
            assertThat(alice.locator("[data-secret]")).containsText("whsec_");
            Locator row = alice.locator("tr[data-webhook='" + hook + "']");
            assertThat(row).containsText("active", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            assertThat(row).containsText("backup.completed, job.completed");
            dashboard.shot(alice, "30-webhook-secret-shown-once");

            // Shown once: after a reload the list has the endpoint, the secret is nowhere.
            alice.reload();
            assertThat(row).containsText("active", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
            assertThat(alice.locator("[data-secret]")).hasCount(0);
            assertTrue(!alice.content().contains("whsec_"), "the secret came back after a reload");

            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Send a test event to " + hook))
                    .click();
            assertThat(alice.locator("#status")).hasText("Test event queued.");
            row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Deliveries to " + hook))
                    .click();
            Locator delivery = alice.locator("tr[data-delivery='webhook.test']");
            assertThat(delivery)
                    .containsText("delivered", new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
            assertThat(delivery).containsText("HTTP 204");
            assertTrue(received.stream().anyMatch(b -> b.contains("webhook.test")), "the receiver saw no test event");
            Dashboard.assertEveryControlNamed(alice);
            dashboard.shot(alice, "31-webhook-deliveries");
        } finally {
            receiver.stop(0);
        }
    }

    private static String project(String name) {
        return Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", name))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static String url(String projectId) {
        return Stack.api("alice")
                .get("/v1/projects/{id}/connection", projectId)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, command[0] + " failed: " + out);
    }
}
