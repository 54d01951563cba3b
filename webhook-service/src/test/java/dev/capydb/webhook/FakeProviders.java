package dev.capydb.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.capydb.testing.Waits;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A WireMock server standing in for the Vercel and Netlify REST APIs (both base URLs point at it): every call is
 * answered 200 unless a test stubs its path otherwise, and every request is kept for the tests to verify.
 */
public class FakeProviders implements QuarkusTestResourceLifecycleManager {

    static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(ok()));
        return Map.of(
                "capydb.webhooks.vercel-base-url",
                server.baseUrl(),
                "capydb.webhooks.netlify-base-url",
                server.baseUrl());
    }

    /** The requests matching {@code wanted}, oldest first. */
    static List<LoggedRequest> requests(RequestPatternBuilder wanted) {
        List<LoggedRequest> found = new ArrayList<>(server.findAll(wanted));
        found.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        return found;
    }

    /** Waits until {@code count} requests matching {@code wanted} arrived; all that did, oldest first. */
    static List<LoggedRequest> await(RequestPatternBuilder wanted, int count) {
        return Waits.until(
                Duration.ofSeconds(15),
                count + " requests " + wanted.build(),
                () -> requests(wanted),
                got -> got.size() >= count);
    }

    @Override
    public void stop() {
        server.stop();
    }
}
