package dev.capydb.dataplane;

import io.vertx.core.Context;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs PostgreSQL client tools as child processes: streams stdin/stdout through the caller's tasks, keeps the
 * tail of stderr, kills the process at its timeout. Blocking: it refuses to run on a Vert.x event loop.
 */
public class ToolRunner implements AutoCloseable {

    private static final int STDERR_TAIL_BYTES = 16 * 1024;
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final Optional<String> binDir;
    private final Duration defaultTimeout;
    private final ExecutorService pumps = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "capydb-tool-pump");
        t.setDaemon(true);
        return t;
    });

    public ToolRunner(Optional<String> binDir, Duration defaultTimeout) {
        this.binDir = binDir.filter(s -> !s.isBlank());
        this.defaultTimeout = defaultTimeout;
    }

    /** Runs the tool to completion (or timeout) and reports how it ended; never throws for a tool failure. */
    public ToolResult run(ToolInvocation inv) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("refusing to run " + inv.tool() + " on the event loop");
        }
        List<String> command = new ArrayList<>();
        command.add(executable(inv.tool()));
        command.addAll(inv.args());
        ProcessBuilder pb = new ProcessBuilder(command);
        // Inherit nothing libpq would read from this service's own environment.
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().putAll(inv.env());
        pb.redirectOutput(inv.stdout().isPresent() ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD);
        pb.redirectInput(
                inv.stdin().isPresent()
                        ? ProcessBuilder.Redirect.PIPE
                        : ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));

        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return new ToolResult(-1, false, "", "cannot start " + inv.tool() + ": " + e.getMessage());
        }
        AtomicReference<String> streamFailure = new AtomicReference<>();
        TailBuffer stderr = new TailBuffer(STDERR_TAIL_BYTES);
        List<CompletableFuture<Void>> pumping = new ArrayList<>();
        pumping.add(pump(() -> process.getErrorStream().transferTo(stderr), process, streamFailure, "stderr", null));
        inv.stdin().ifPresent(task -> {
            ToolInput input = new ToolInput(process.getOutputStream());
            pumping.add(pump(
                    () -> {
                        try (input) {
                            task.run(input);
                        }
                    },
                    process,
                    streamFailure,
                    "stdin",
                    input));
        });
        inv.stdout()
                .ifPresent(task -> pumping.add(pump(
                        () -> {
                            try (InputStream out = process.getInputStream()) {
                                task.run(out);
                            }
                        },
                        process,
                        streamFailure,
                        "stdout",
                        null)));

        boolean timedOut = false;
        try {
            Duration timeout = inv.timeout().orElse(defaultTimeout);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                kill(process);
            }
            // The stream tasks may still be flushing (e.g. an upload finishing); the result waits for them.
            CompletableFuture.allOf(pumping.toArray(CompletableFuture[]::new))
                    .get(KILL_GRACE.toMillis() * 12, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return new ToolResult(-1, false, scrub(stderr.text(), inv.env()), "interrupted");
        } catch (Exception e) {
            streamFailure.compareAndSet(null, "stream tasks did not finish: " + e);
        }
        int exit = process.isAlive() ? -1 : process.exitValue();
        return new ToolResult(exit, timedOut, scrub(stderr.text(), inv.env()), streamFailure.get());
    }

    /**
     * Runs one stream task. {@code ownInput} is this tool's stdin when the task feeds it: the tool closing that pipe
     * (pg_restore --list once it has the table of contents, or a tool that failed) is no failure of the stream,
     * whether the tool is still exiting or gone; its exit status says whether that was fine, and killing a tool that
     * is finishing would make one. Any other tool that stops reading (a downstream tool the task writes into) is.
     */
    private CompletableFuture<Void> pump(
            IoRunnable task, Process process, AtomicReference<String> failure, String which, ToolInput ownInput) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        task.run();
                    } catch (ToolStoppedReading e) {
                        if (e.input != ownInput) {
                            failure.compareAndSet(null, which + ": " + e.getMessage());
                            kill(process);
                        }
                    } catch (IOException | RuntimeException e) {
                        failure.compareAndSet(null, which + ": " + e.getMessage());
                        kill(process);
                    }
                },
                pumps);
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private String executable(String tool) {
        if (!tool.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a tool name: " + tool);
        }
        return binDir.map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .orElse(tool);
    }

    /** Removes every secret value of the environment from text that will be shown to users. */
    static String scrub(String text, Map<String, String> env) {
        String out = text;
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().contains("PASSWORD")
                    && e.getValue() != null
                    && !e.getValue().isEmpty()) {
                out = out.replace(e.getValue(), "****");
            }
        }
        return out;
    }

    /** Raised when writing to a tool's stdin fails: the tool stopped reading (closed the pipe or exited). */
    static final class ToolStoppedReading extends IOException {
        /** Whose stdin it was. */
        final transient ToolInput input;

        ToolStoppedReading(ToolInput input, IOException cause) {
            super("the tool stopped reading its input: " + cause.getMessage(), cause);
            this.input = input;
        }
    }

    /**
     * A tool's stdin: a failure to write to it (or to flush or close it) is the tool's doing, told apart from a
     * failure of the source the caller copies from, which stays a stream failure.
     */
    static final class ToolInput extends FilterOutputStream {
        ToolInput(OutputStream pipe) {
            super(pipe);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new ToolStoppedReading(this, e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new ToolStoppedReading(this, e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw new ToolStoppedReading(this, e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw new ToolStoppedReading(this, e);
            }
        }
    }

    /** A blocking step on one of the child's streams. */
    @FunctionalInterface
    private interface IoRunnable {
        void run() throws IOException;
    }

    @Override
    public void close() {
        pumps.shutdownNow();
    }

    /** Keeps only the last bytes written: enough for an error message, bounded whatever the tool prints. */
    static final class TailBuffer extends OutputStream {
        private final byte[] ring;
        private long written;

        TailBuffer(int size) {
            this.ring = new byte[size];
        }

        @Override
        public synchronized void write(int b) {
            ring[(int) (written++ % ring.length)] = (byte) b;
        }

        synchronized String text() {
            int len = (int) Math.min(written, ring.length);
            byte[] out = new byte[len];
            int start = (int) ((written - len) % ring.length);
            for (int i = 0; i < len; i++) {
                out[i] = ring[(start + i) % ring.length];
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }
}
