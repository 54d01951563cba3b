import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times one API job (single-file program, JDK only): POST the job, then poll it every {@code poll_ms} on one
 * kept-alive connection until it is completed. Prints two figures: the seconds from sending the POST to the job's
 * {@code completed_at} (same machine, same clock: how long the job took as seen from its start), then the seconds
 * until the poll that saw it completed (that plus up to one poll period). One process for the whole wait, and not
 * too eager a poll: a curl and a jq per poll, or even a request every 20 ms through the gateway, cost the 2-core
 * machine enough CPU to slow down the very dump or restore being timed.
 *
 * <pre>java -cp CLASSES JobClock GATEWAY TOKEN PATH JSON POLL_MS TIMEOUT_S OUT</pre>
 * POSTs JSON to GATEWAY+PATH, polls GATEWAY+PATH/{id}; writes the POST's answer to OUT.post and the completed job to
 * OUT. A 404 is an error like any other: what the API acknowledged is usable at once. Exits 2 on an unexpected HTTP status, 3 when the job failed, 4 on timeout; the body goes to stderr.
 */
public class JobClock {

    private static final Pattern ID = Pattern.compile("[{,]\\s*\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern COMPLETED_AT = Pattern.compile("[{,]\\s*\"completed_at\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("[{,]\\s*\"status\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        String gateway = args[0];
        String token = args[1];
        String path = args[2];
        String json = args[3];
        long pollNanos = Long.parseLong(args[4]) * 1_000_000L;
        long timeoutNanos = Long.parseLong(args[5]) * 1_000_000_000L;
        Path out = Path.of(args[6]);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // Untimed: open the connection and load the client's classes, as a running client would have done long ago.
        http.send(get(gateway + path, token), HttpResponse.BodyHandlers.discarding());
        // ...and let this JVM's compiler threads finish with that before the timed job shares the 2 cores with them.
        Thread.sleep(300);

        HttpRequest post = HttpRequest.newBuilder(URI.create(gateway + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        long t0 = System.nanoTime();
        Instant posted = Instant.now();
        HttpResponse<String> created = http.send(post, HttpResponse.BodyHandlers.ofString());
        expect(202, created, "POST " + path);
        Files.writeString(Path.of(out + ".post"), created.body());
        String id = first(ID, created.body(), "id");

        HttpRequest poll = get(gateway + path + "/" + id, token);
        while (true) {
            HttpResponse<String> job = http.send(poll, HttpResponse.BodyHandlers.ofString());
            long now = System.nanoTime();
            expect(200, job, "GET " + path + "/" + id);
            switch (first(STATUS, job.body(), "status")) {
                case "completed" -> {
                    Files.writeString(out, job.body());
                    Instant completedAt = Instant.parse(first(COMPLETED_AT, job.body(), "completed_at"));
                    System.out.printf("%.3f %.3f%n", Duration.between(posted, completedAt).toNanos() / 1e9,
                            (now - t0) / 1e9);
                    return;
                }
                case "failed" -> fail(3, "job " + id + " failed: " + job.body());
                default -> {
                    if (now - t0 > timeoutNanos) {
                        fail(4, "job " + id + " not completed after " + args[6] + " s: " + job.body());
                    }
                }
            }
            Thread.sleep(Math.max(0, (pollNanos - (System.nanoTime() - now)) / 1_000_000L));
        }
    }

    private static HttpRequest get(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static void expect(int status, HttpResponse<String> response, String what) {
        if (response.statusCode() != status) {
            fail(2, what + ": HTTP " + response.statusCode() + " (wanted " + status + "): " + response.body());
        }
    }

    private static String first(Pattern pattern, String body, String what) {
        Matcher m = pattern.matcher(body);
        if (!m.find()) {
            fail(2, "no " + what + " in " + body);
        }
        return m.group(1);
    }

    private static void fail(int code, String message) {
        System.err.println(message);
        System.exit(code);
    }
}
