package dev.capydb.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second instance of every service but the gateway, beside each one dev/stack started (same command line and
 * environment, another port): they share the job tables, consumer groups and schedulers with the first ones, while
 * the gateway only routes to the first. Suites that must hold with two replicas start them for their duration.
 */
final class SecondInstances implements AutoCloseable {

    /** The second instances' ports: the first ones' (dev/env.sh) plus this. */
    static final int PORT_OFFSET = 10_100;
    /** Every service but the gateway (it has no work of its own to share). */
    static final List<String[]> SERVICES =
            StackControl.SERVICES.stream().filter(s -> !"gateway".equals(s[0])).toList();

    private final Map<String, Process> processes = new LinkedHashMap<>();

    private SecondInstances() {}

    /** Starts them and waits until each serves; their logs go to {@code target/<logDir>/<service>.log}. */
    static SecondInstances start(String logDir) throws Exception {
        SecondInstances seconds = new SecondInstances();
        Path logs = Path.of("target", logDir);
        for (String[] s : SERVICES) {
            seconds.processes.put(s[0], StackControl.second(s[0], port(s) + PORT_OFFSET, logs.resolve(s[0] + ".log")));
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        for (String[] s : SERVICES) {
            StackControl.awaitReady(
                    s[0] + " (second instance)",
                    port(s) + PORT_OFFSET,
                    deadline,
                    "its log: " + logs.resolve(s[0] + ".log").toAbsolutePath());
        }
        return seconds;
    }

    static int port(String[] service) {
        return Integer.parseInt(Stack.env(service[1], service[2]));
    }

    /** The second instance of {@code service}. */
    Process of(String service) {
        return processes.get(service);
    }

    Map<String, Process> all() {
        return processes;
    }

    /** Stops them (forcibly after 30 s), then brings back any instance of dev/stack's that a test killed. */
    @Override
    public void close() throws Exception {
        for (Process p : processes.values()) {
            p.destroy();
        }
        for (Process p : processes.values()) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        StackControl.up();
    }
}
