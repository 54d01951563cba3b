package dev.capydb.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless browser (the system chromium, no downloaded browser): alice logs in through
 * Keycloak, backs up, restores into a preview and asks for its promotion from the Previews tab; olga acks and
 * executes it in the operator view; alice sees it complete. Screenshots go to target/screenshots.
 */
class DashboardE2EIT extends BrowserIT {

    private static final double LONG = 300_000;

    @Test
    void backupRestorePromoteAndOperatorExecute() {
        String project = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", "ui-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String ticket = "SUP-" + UUID.randomUUID().toString().substring(0, 6);

        BrowserContext aliceCtx = dashboard.newContext();
        BrowserContext olgaCtx = dashboard.newContext();
        Page alice = signIn(aliceCtx, "alice", "/#/" + project + "/backups");

        // Backups tab: create a backup and watch it complete.
        alice.getByLabel("Label").fill("ui-first");
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create backup"))
                .click();
        Locator backup = alice.locator("tr[data-backup='ui-first']");
        assertThat(backup).containsText("completed", new LocatorAssertions.ContainsTextOptions().setTimeout(LONG));
        shot(alice, "01-backup-completed");

        // Restore it into a new preview and watch the job.
        backup.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Restore…"))
                .click();
        alice.getByLabel("Preview name").fill("ui-preview");
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start restore"))
                .click();
        assertThat(alice.locator(".jobs li", new Page.LocatorOptions().setHasText("Restore of ui-first")))
                .containsText("completed", new LocatorAssertions.ContainsTextOptions().setTimeout(LONG));
        shot(alice, "02-restored-into-preview");

        // Previews tab: the preview is ready; Promote opens a cutover request with note and ticket ref.
        alice.getByRole(AriaRole.TAB, new Page.GetByRoleOptions().setName("Previews"))
                .click();
        Locator preview = alice.locator("tr[data-preview='ui-preview']");
        assertThat(preview).containsText("ready", new LocatorAssertions.ContainsTextOptions().setTimeout(LONG));
        assertThat(preview).containsText("left");
        preview.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Promote ui-preview to production"))
                .click();
        alice.getByLabel("Ticket reference (required before execution)").fill(ticket);
        alice.getByLabel("Note for the operator").fill("promote the rehearsed migration");
        Dashboard.assertEveryControlNamed(alice);
        alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Request cutover"))
                .click();
        Locator request = alice.locator("tr[data-cutover]", new Page.LocatorOptions().setHasText(ticket));
        assertThat(request).containsText("open", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        String requestId = request.getAttribute("data-cutover");
        shot(alice, "03-cutover-requested");

        // Operator view: olga acks and executes; the state updates live until completed.
        Page olga = signIn(olgaCtx, "olga", "/#/operator");
        Locator row = olga.locator("tr[data-cutover='" + requestId + "']");
        assertThat(row).containsText("open", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        shot(olga, "04-operator-open");
        Dashboard.assertEveryControlNamed(olga);
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Ack request " + ticket))
                .click();
        assertThat(row).containsText("acked", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Execute request " + ticket))
                .click();
        assertThat(row).containsText("completed", new LocatorAssertions.ContainsTextOptions().setTimeout(LONG));
        assertThat(row).containsText("pre-cutover-" + requestId);
        shot(olga, "05-operator-completed");

        // Alice's Previews tab follows the request to its end without a reload.
        assertThat(request).containsText("completed", new LocatorAssertions.ContainsTextOptions().setTimeout(30_000));
        shot(alice, "06-customer-sees-completed");
    }

    private static Page signIn(BrowserContext context, String user, String path) {
        return dashboard.signIn(context, user, path);
    }

    private static void shot(Page page, String name) {
        dashboard.shot(page, name);
    }
}
