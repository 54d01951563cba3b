import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Read-your-writes as a client sees it (JDK only):
 * <pre>java bench/ReadYourWritesBench.java GATEWAY TOKEN ROUNDS</pre>
 * Each round creates a project and at once lists its backups (backup-service learns of projects from Kafka): that
 * first read is timed (ryw_first_read), and must be 200; then the same list again (known_read: what a request
 * for something already known costs), and a project that does not exist (real_404: what a true miss costs, the
 * catch-up included). The projects are deleted at the end. Prints p50/p99 of each, and how many first reads missed.
 */
public class ReadYourWritesBench {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    public static void main(String[] args) throws Exception {
        String gateway = args[0];
        String token = args[1];
        int rounds = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Double> first = new ArrayList<>();
        List<Double> known = new ArrayList<>();
        List<Double> missing = new ArrayList<>();
        List<Double> create = new ArrayList<>();
        List<String> projects = new ArrayList<>();
        int misses = 0;
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> created = http.send(request(gateway, token, "/v1/projects")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"bench-ryw-" + UUID.randomUUID().toString()
                            .substring(0, 8) + "\"}")).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            create.add(ms(t0));
            if (created.statusCode() != 201) {
                throw new IllegalStateException("create: " + created.statusCode() + " " + created.body());
            }
            Matcher m = ID.matcher(created.body());
            m.find();
            String project = m.group(1);
            projects.add(project);
            String path = "/v1/projects/" + project + "/backups";
            long t1 = System.nanoTime();
            int status = http.send(request(gateway, token, path).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
            first.add(ms(t1));
            if (status != 200) {
                misses++;
            }
            long t2 = System.nanoTime();
            http.send(request(gateway, token, path).GET().build(), HttpResponse.BodyHandlers.discarding());
            known.add(ms(t2));
            long t3 = System.nanoTime();
            int absent = http.send(request(gateway, token, "/v1/projects/" + UUID.randomUUID() + "/backups").GET()
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            missing.add(ms(t3));
            if (absent != 404) {
                throw new IllegalStateException("an unknown project answered " + absent);
            }
        }
        for (String p : projects) {
            http.send(request(gateway, token, "/v1/projects/" + p).DELETE().build(), HttpResponse.BodyHandlers.discarding());
        }
        System.out.printf("rounds=%d first_read_misses=%d%n", rounds, misses);
        print("create_project_ms", create);
        print("ryw_first_read_ms", first);
        print("known_read_ms", known);
        print("real_404_ms", missing);
    }

    private static HttpRequest.Builder request(String gateway, String token, String path) {
        return HttpRequest.newBuilder(URI.create(gateway + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30));
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static void print(String name, List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double p50 = sorted.get(sorted.size() / 2);
        double p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
        System.out.printf("%s p50=%.1f p99=%.1f max=%.1f%n", name, p50, p99, sorted.get(sorted.size() - 1));
    }
}
