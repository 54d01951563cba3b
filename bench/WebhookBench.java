import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Webhook delivery benchmark (run by bench/webhook.sh with the Kafka client jars on the class path):
 * {@code job.completed} events are put on capydb.webhooks, a topic only webhook-service reads (so no other service
 * acts on these made-up jobs), and a local receiver measures event → delivered latency
 * at a steady rate, then the maximum delivery rate, then that rate again while a second endpoint hangs.
 * Args: gateway-url token project-id kafka-client-properties rate seconds burst (the properties: broker and login).
 */
public class WebhookBench {

    static final Pattern MSG = Pattern.compile("\"resource_id\":\"([0-9a-f-]{36})\"");
    static final ConcurrentHashMap<String, Long> SENT = new ConcurrentHashMap<>();
    static final ConcurrentLinkedQueue<Long> LATENCIES = new ConcurrentLinkedQueue<>();
    static final AtomicInteger RECEIVED = new AtomicInteger();
    static volatile long lastReceivedNanos;

    public static void main(String[] a) throws Exception {
        String gateway = a[0], token = a[1], project = a[2], kafkaClient = a[3];
        int rate = Integer.parseInt(a[4]), seconds = Integer.parseInt(a[5]), burst = Integer.parseInt(a[6]);

        // A minimal keep-alive HTTP/1.1 receiver on plain sockets, a thread per connection: under load the JDK's
        // HttpServer sometimes left a request unanswered until the sender's timeout, which measured the receiver.
        ServerSocket fast = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!fast.isClosed()) {
                try {
                    Socket conn = fast.accept();
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
        HttpServer hang = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hang.setExecutor(Executors.newCachedThreadPool());
        hang.createContext("/", ex -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        hang.start();

        HttpClient http = HttpClient.newHttpClient();
        List<String> hooks = new ArrayList<>();
        hooks.add(createHook(http, gateway, token, project, "http://127.0.0.1:" + fast.getLocalPort() + "/hook"));

        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of(kafkaClient))) {
            p.load(r);
        }
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("acks", "all");
        p.put("linger.ms", "0");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            // Warm-up: the service's consumers, pools and JIT.
            send(producer, project, 1000, 500);
            awaitAll(1000, 60);

            // 1. Latency at a steady rate.
            LATENCIES.clear();
            RECEIVED.set(0);
            int steady = rate * seconds;
            send(producer, project, steady, rate);
            awaitAll(steady, 120);
            List<Long> lat = new ArrayList<>(LATENCIES);
            Collections.sort(lat);
            double p50 = lat.get(lat.size() / 2) / 1000.0;
            double p99 = lat.get(Math.min(lat.size() - 1, (int) Math.ceil(lat.size() * 0.99) - 1)) / 1000.0;

            // 2. Maximum delivery rate: a burst, as fast as Kafka takes it.
            double alone = burst(producer, project, burst);

            // 3. The same burst while a second endpoint hangs on every request.
            hooks.add(createHook(http, gateway, token, project, "http://127.0.0.1:" + hang.getAddress().getPort() + "/hook"));
            double withHang = burst(producer, project, burst);

            System.out.printf("webhook_p50_ms=%.1f%n", p50);
            System.out.printf("webhook_p99_ms=%.1f%n", p99);
            System.out.printf("webhook_deliveries_per_s=%.0f%n", alone);
            System.out.printf("webhook_deliveries_per_s_with_hanging_endpoint=%.0f%n", withHang);
            System.out.printf("webhook_hanging_endpoint_throughput_ratio=%.2f%n", withHang / alone);
        } finally {
            for (String h : hooks) {
                http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/projects/" + project + "/webhooks/" + h))
                        .header("Authorization", "Bearer " + token).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            }
            fast.close();
            hang.stop(0);
        }
    }

    /** Reads requests (request line, headers, Content-Length body) and answers each 204, until the peer closes. */
    static void serve(Socket conn) {
        try (conn; InputStream in = new BufferedInputStream(conn.getInputStream());
             OutputStream out = conn.getOutputStream()) {
            conn.setTcpNoDelay(true);
            while (true) {
                int length = 0;
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                while (!(line = readLine(in)).isEmpty()) {
                    if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                received(body);
                out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | NullPointerException closed) {
            // the sender closed the connection
        }
    }

    static String readLine(InputStream in) throws IOException {
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

    static void received(String body) {
        long now = System.nanoTime();
        Matcher m = MSG.matcher(body);
        if (m.find()) {
            Long sent = SENT.remove(m.group(1));
            if (sent != null) {
                LATENCIES.add((now - sent) / 1_000);
                RECEIVED.incrementAndGet();
                lastReceivedNanos = now;
            }
        }
    }

    static double burst(KafkaProducer<String, String> producer, String project, int n) throws Exception {
        RECEIVED.set(0);
        long t0 = System.nanoTime();
        send(producer, project, n, 0);
        awaitAll(n, 180);
        return n / ((lastReceivedNanos - t0) / 1e9);
    }

    static String createHook(HttpClient http, String gateway, String token, String project, String url) throws Exception {
        for (int i = 0; i < 80; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + "/v1/projects/" + project + "/webhooks"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + url + "\",\"event_types\":[\"job.completed\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 201) {
                Matcher m = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(r.body());
                m.find();
                return m.group(1);
            }
            if (r.statusCode() != 404) {
                throw new IllegalStateException("POST webhooks: " + r.statusCode() + " " + r.body());
            }
            Thread.sleep(250);   // webhook-service has not learned of the project yet
        }
        throw new IllegalStateException("webhook-service never learned of project " + project);
    }

    /** Publishes {@code n} job.completed events at {@code perSecond} (0 = as fast as possible). */
    static void send(KafkaProducer<String, String> producer, String project, int n, int perSecond) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (perSecond > 0) {
                long due = start + (long) (i * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    // Park, not spin: on a 2-core machine a spinning producer starves the service it measures.
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            String job = UUID.randomUUID().toString();
            String now = Instant.now().toString();
            String json = "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"job.completed\",\"source\":\"bench\","
                    + "\"time\":\"" + now + "\",\"org_id\":\"acme\",\"project_id\":\"" + project + "\",\"correlation_id\":null,"
                    + "\"data\":{\"job_id\":\"" + job + "\",\"job_kind\":\"bench\",\"status\":\"completed\","
                    + "\"resource_id\":\"" + job + "\",\"error\":null,\"started_at\":\"" + now + "\",\"completed_at\":\"" + now + "\"}}";
            SENT.put(job, System.nanoTime());
            producer.send(new ProducerRecord<>("capydb.webhooks", project, json));
        }
        producer.flush();
        System.err.printf("==> put %d events on capydb.webhooks in %.1f s%n", n, (System.nanoTime() - start) / 1e9);
    }

    static void awaitAll(int n, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (RECEIVED.get() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + RECEIVED.get() + " of " + n + " deliveries within " + timeoutSeconds + " s");
            }
            Thread.sleep(20);
        }
    }
}
