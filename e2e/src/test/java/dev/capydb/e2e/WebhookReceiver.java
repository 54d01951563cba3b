package dev.capydb.e2e;

import dev.capydb.testing.Waits;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A webhook receiver on plain sockets (keep-alive HTTP/1.1, a thread per connection) that answers 204 and counts
 * requests per job named in the body (the side effects of the events) and per {@code webhook-id} header (one per
 * event and endpoint: a second request with the same id is a repeated delivery).
 */
// Not WireMock: plain sockets so keep-alive connections and repeated deliveries are seen as the sender makes them.
final class WebhookReceiver implements AutoCloseable {

    private static final Pattern JOB_ID = Pattern.compile("\"job_id\":\"([0-9a-f-]{36})\"");

    private final ServerSocket server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    private final Map<String, AtomicInteger> perJob = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perDelivery = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();

    WebhookReceiver() throws IOException {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket conn = server.accept();
                    Thread t = new Thread(() -> serve(conn));
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int requests() {
        return requests.get();
    }

    int distinct() {
        return perJob.size();
    }

    Set<String> jobs() {
        return Set.copyOf(perJob.keySet());
    }

    /** How many requests each {@code webhook-id} got. */
    Map<String, Integer> deliveries() {
        Map<String, Integer> out = new java.util.HashMap<>();
        perDelivery.forEach((id, n) -> out.put(id, n.get()));
        return out;
    }

    void await(Predicate<WebhookReceiver> done, Duration timeout) {
        Waits.until(
                timeout,
                "the receiver gets what was awaited",
                this::distinct,
                n -> done.test(this),
                n -> n + " distinct events");
    }

    private void serve(Socket conn) {
        try (conn;
                InputStream in = new BufferedInputStream(conn.getInputStream());
                OutputStream out = conn.getOutputStream()) {
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                int length = 0;
                String deliveryId = null;
                while (!(line = readLine(in)).isEmpty()) {
                    if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).trim());
                    } else if (line.regionMatches(true, 0, "webhook-id:", 0, 11)) {
                        deliveryId = line.substring(11).trim();
                    }
                }
                if (deliveryId != null) {
                    perDelivery
                            .computeIfAbsent(deliveryId, k -> new AtomicInteger())
                            .incrementAndGet();
                }
                Matcher m = JOB_ID.matcher(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                if (m.find()) {
                    requests.incrementAndGet();
                    perJob.computeIfAbsent(m.group(1), k -> new AtomicInteger()).incrementAndGet();
                }
                out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | NullPointerException closed) {
            // the sender closed the connection
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                return b.toString();
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
