package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** JDBC to a data-plane host blocks: it is refused on an event loop and works on any other thread. */
class HostConnectionThreadTest {

    @Test
    void anEventLoopIsRefusedAWorkerThreadIsServed() throws Exception {
        DatabaseHost host = TestHosts.local1();
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Throwable> onLoop = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                try (Connection c = host.maintenanceConnection()) {
                    onLoop.complete(null);
                } catch (Throwable t) {
                    onLoop.complete(t);
                }
            });
            Throwable t = onLoop.get(10, TimeUnit.SECONDS);
            assertTrue(
                    t instanceof IllegalStateException && t.getMessage().contains("event loop"),
                    "expected a refusal, got " + t);

            CompletableFuture<Integer> onWorker = new CompletableFuture<>();
            vertx.executeBlocking(() -> {
                try (Connection c = host.maintenanceConnection();
                        ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
                    rs.next();
                    onWorker.complete(rs.getInt(1));
                } catch (Throwable e) {
                    onWorker.completeExceptionally(e);
                }
                return null;
            });
            assertEquals(1, onWorker.get(10, TimeUnit.SECONDS));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
