package dev.capydb.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The dashboard in the system chromium driven by Playwright (never a downloaded browser): sign-in, screenshots, accessibility checks. */
final class Dashboard implements AutoCloseable {

    /** Roles of form controls and buttons: each must have an accessible name. */
    private static final Set<String> CONTROLS = Set.of(
            "button",
            "textbox",
            "searchbox",
            "spinbutton",
            "checkbox",
            "radio",
            "combobox",
            "listbox",
            "slider",
            "switch",
            "tab",
            "progressbar");

    private final Playwright playwright;
    private final Browser chromium;
    private final Path shots;
    private final List<Page> pages = new ArrayList<>();
    private final List<BrowserContext> contexts = new ArrayList<>();
    private final Violations contractViolations = new Violations();

    private Dashboard(Playwright playwright, Browser chromium, Path shots) {
        this.playwright = playwright;
        this.chromium = chromium;
        this.shots = shots;
    }

    static Dashboard launch() throws Exception {
        Path shots = Paths.get(System.getProperty("capydb.screenshots", "target/screenshots"));
        Files.createDirectories(shots);
        String exe = Stack.env("CAPYDB_CHROMIUM", "/usr/bin/chromium");
        if (!Files.isExecutable(Paths.get(exe))) {
            throw new AssertionError(exe + " is missing: run dev/ensure-chromium (apt-get install chromium)");
        }
        // The driver would otherwise fetch Playwright's own browsers; we bring the system one.
        Playwright playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        return new Dashboard(
                playwright,
                playwright
                        .chromium()
                        .launch(new BrowserType.LaunchOptions()
                                .setExecutablePath(Paths.get(exe))
                                .setHeadless(true)),
                shots);
    }

    /**
     * A fresh browser profile (its own cookies and storage), closed by {@link #closeContexts()}. Every API call the
     * dashboard makes in it passes through the contract gate: fetched by Playwright, checked, then handed to the page.
     */
    BrowserContext newContext() {
        BrowserContext context = chromium.newContext();
        context.route(url -> Contract.describes(URI.create(url).getRawPath()), this::checked);
        contexts.add(context);
        return context;
    }

    private void checked(Route route) {
        Request request = route.request();
        APIResponse answer;
        try {
            answer = route.fetch();
        } catch (PlaywrightException e) {
            // The test closed the context while a page was still polling: nothing to check, nobody to answer.
            return;
        }
        byte[] body = request.postDataBuffer();
        Contract.get()
                .check(new Contract.Exchange(
                        request.method(),
                        URI.create(request.url()),
                        multi(request.allHeaders()),
                        body,
                        answer.status(),
                        multi(answer.headers()),
                        answer.body()))
                .ifPresent(contractViolations::add);
        route.fulfill(new Route.FulfillOptions().setResponse(answer));
    }

    private static Map<String, List<String>> multi(Map<String, String> headers) {
        Map<String, List<String>> out = new HashMap<>();
        headers.forEach((k, v) -> out.put(k, List.of(v)));
        return out;
    }

    /** Closes the test's browser profiles; a contract violation seen in them fails the test. */
    void closeContexts() {
        contexts.forEach(BrowserContext::close);
        contexts.clear();
        pages.clear();
        contractViolations.assertNone();
    }

    /** Opens the dashboard, clicks Sign in and logs in on Keycloak's own page (authorization code + PKCE). */
    Page signIn(BrowserContext context, String user, String path) {
        Page page = context.newPage();
        page.navigate(Stack.gateway() + path);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in"))
                .click();
        page.locator("#username").fill(user);
        page.locator("#password").fill(user);
        page.locator("#kc-login").click();
        assertThat(page.getByText("Signed in as " + user))
                .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(30_000));
        pages.add(page);
        // The shell renders once the project list has loaded (slow while the machine is busy).
        assertThat(page.locator("#project-picker"))
                .isVisible(new LocatorAssertions.IsVisibleOptions().setTimeout(30_000));
        return page;
    }

    /** Photographs every signed-in page still open, so a failed step leaves a picture of what the user saw. */
    void shootOpenPages(String test) {
        for (int i = 0; i < pages.size(); i++) {
            if (!pages.get(i).isClosed()) {
                shot(pages.get(i), "FAILED-" + test + "-" + i);
            }
        }
    }

    void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(shots.resolve(name + ".png"))
                .setFullPage(true));
    }

    /**
     * Every visible button and form control has an accessible name, as Chromium itself computes it (the
     * accessibility tree over CDP, the tree a screen reader gets), not as a test re-implementation would guess.
     */
    static void assertEveryControlNamed(Page page) {
        CDPSession cdp = page.context().newCDPSession(page);
        try {
            List<String> unnamed = new ArrayList<>();
            int controls = 0;
            for (JsonElement e : cdp.send("Accessibility.getFullAXTree").getAsJsonArray("nodes")) {
                JsonObject n = e.getAsJsonObject();
                String role = value(n, "role");
                if ((n.has("ignored") && n.get("ignored").getAsBoolean()) || !CONTROLS.contains(role)) {
                    continue;
                }
                controls++;
                if (value(n, "name").isBlank()) {
                    JsonObject args = new JsonObject();
                    args.addProperty("backendNodeId", n.get("backendDOMNodeId").getAsInt());
                    JsonObject node = cdp.send("DOM.describeNode", args).getAsJsonObject("node");
                    unnamed.add(role + " <" + node.get("localName").getAsString() + " " + node.get("attributes") + ">");
                }
            }
            assertTrue(controls > 0, "no controls in the accessibility tree");
            assertTrue(unnamed.isEmpty(), "controls without an accessible name: " + unnamed);
        } finally {
            cdp.detach();
        }
    }

    private static String value(JsonObject node, String field) {
        return node.has(field) && node.getAsJsonObject(field).has("value")
                ? node.getAsJsonObject(field).get("value").getAsString()
                : "";
    }

    /** Presses Tab until the focused element matches {@code selector}; the focus must be visible there. */
    static void tabTo(Page page, String selector) {
        for (int i = 0; i < 60; i++) {
            page.keyboard().press("Tab");
            if ((Boolean)
                    page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)) {
                assertFocusVisible(page);
                return;
            }
        }
        throw new AssertionError("Tab never reached " + selector);
    }

    /** The focused element draws an outline (the dashboard's :focus-visible style), so a keyboard user sees it. */
    static void assertFocusVisible(Page page) {
        String outline = (String) page.evaluate("() => { const s = getComputedStyle(document.activeElement);"
                + " return s.outlineStyle + ' ' + s.outlineWidth; }");
        assertFalse(outline.startsWith("none") || outline.endsWith(" 0px"), "focus not visible: outline " + outline);
    }

    @Override
    public void close() {
        chromium.close();
        playwright.close();
    }
}
