import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * HTTP load for bench/run (single-file program, JDK only): the same GET with a bearer token at a fixed {@code rate}
 * of requests per second for {@code seconds}, after a 2 s warm-up (like wrk2: latency is measured from each
 * request's scheduled time, so a stall is not hidden by the generator waiting). Throughput is the successful
 * requests per second until the last one finished.
 *
 * <pre>java bench/HttpLoad.java URL TOKEN SECONDS RATE</pre>
 * prints {@code throughput_rps=}, {@code p50_ms=}, {@code p99_ms=}, {@code errors=}.
 */
public class HttpLoad {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        String token = args[1];
        int seconds = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10)).GET().build();
        AtomicInteger errors = new AtomicInteger();

        // Warm-up (connections, JIT on both sides), untimed.
        openLoop(http, request, rate, 2, errors);
        errors.set(0);
        long t0 = System.nanoTime();
        List<Long> latencies = openLoop(http, request, rate, seconds, errors);
        double throughput = latencies.size() / ((System.nanoTime() - t0) / 1e9);
        Collections.sort(latencies);
        System.out.printf("throughput_rps=%.0f%n", throughput);
        System.out.printf("p50_ms=%.2f%n", percentile(latencies, 0.50) / 1e6);
        System.out.printf("p99_ms=%.2f%n", percentile(latencies, 0.99) / 1e6);
        System.out.printf("errors=%d%n", errors.get());
    }

    static List<Long> openLoop(HttpClient http, HttpRequest request, int rate, int seconds, AtomicInteger errors)
            throws InterruptedException {
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        int total = rate * seconds;
        CountDownLatch finished = new CountDownLatch(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null || r.statusCode() != 200) {
                    errors.incrementAndGet();
                } else {
                    latencies.add(System.nanoTime() - due);
                }
                finished.countDown();
            });
        }
        finished.await();
        return new ArrayList<>(latencies);
    }

    static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p) - 1));
    }
}
