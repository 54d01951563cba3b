package dev.capydb.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/** What the browser tests share: one chromium per class, a test's contexts closed after it, failures photographed. */
abstract class BrowserIT {

    static Dashboard dashboard;

    /** Runs before @AfterEach, so the pages a failing test was on are still open to be photographed. */
    @RegisterExtension
    final TestExecutionExceptionHandler photographFailures = (context, failure) -> {
        dashboard.shootOpenPages(context.getRequiredTestMethod().getName());
        throw failure;
    };

    @BeforeAll
    static void launch() throws Exception {
        dashboard = Dashboard.launch();
    }

    @AfterEach
    void closeContexts() {
        dashboard.closeContexts();
    }

    @AfterAll
    static void close() {
        if (dashboard != null) {
            dashboard.close();
        }
    }
}
