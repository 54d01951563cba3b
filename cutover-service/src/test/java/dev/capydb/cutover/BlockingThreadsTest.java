package dev.capydb.cutover;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.consistency.CatchUp;
import dev.capydb.chassis.consistency.Feed;
import dev.capydb.chassis.threading.BlockingWork;
import dev.capydb.cutover.messaging.SagaConsumers;
import dev.capydb.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.vertx.core.Context;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The wait for Kafka a request makes before it decides on a preview runs on the blocking pool, not an event loop. */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class BlockingThreadsTest {

    @Inject
    Fixtures fx;

    /** Records the thread of each wait for the preview feed, and does not wait (the preview is already known). */
    static class RecordingCatchUp extends CatchUp {

        final List<String> previewWaits = new CopyOnWriteArrayList<>();
        final List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();

        RecordingCatchUp() {
            super(null, null, null, null);
        }

        @Override
        public boolean awaitApplied(Feed feed, String key) {
            if (feed.equals(SagaConsumers.PREVIEWS)) {
                previewWaits.add(Thread.currentThread().getName());
                onEventLoop.add(Context.isOnEventLoopThread());
            }
            return true;
        }
    }

    @Test
    void theCatchUpOfAnOpeningRequestRunsOnTheBlockingPool() {
        UUID project = fx.project("active");
        UUID preview = fx.preview(project, Duration.ofHours(24));
        RecordingCatchUp catchUp = new RecordingCatchUp();
        QuarkusMock.installMockForType(catchUp, CatchUp.class);
        given().auth()
                .oauth2(TestTokens.alice())
                .contentType("application/json")
                .body(CutoverRequestsTest.body(preview, null, "SUP-1"))
                .post("/v1/projects/{p}/cutover-requests", project)
                .then()
                .statusCode(201);
        assertFalse(catchUp.previewWaits.isEmpty(), "no catch-up for the preview feed");
        assertTrue(
                catchUp.previewWaits.stream().allMatch(t -> t.startsWith(BlockingWork.POOL)),
                "catch-up ran on " + catchUp.previewWaits);
        assertFalse(catchUp.onEventLoop.contains(true), "catch-up ran on an event loop");
    }
}
