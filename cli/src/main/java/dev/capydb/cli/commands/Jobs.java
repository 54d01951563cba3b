package dev.capydb.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.cli.Context;
import dev.capydb.cli.api.ApiException;
import dev.capydb.cli.api.Json;
import dev.capydb.cli.output.Format;
import dev.capydb.cli.output.Progress;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code --wait}: polls a job resource (backup, restore, import, cutover) until it ends, with a progress line on
 * stderr. Ctrl-C ends only the waiting; the job is the server's and carries on.
 */
final class Jobs {

    private static final Set<String> FAILED = Set.of("failed", "rejected", "cancelled", "canceled", "expired");

    private final Context ctx;
    private final boolean json;

    Jobs(Context ctx, boolean json) {
        this.ctx = ctx;
        this.json = json;
    }

    /**
     * @param noun    what the user calls it ("backup")
     * @param fetch   the resource as it is now (one GET)
     * @param current the resource as the create call returned it
     * @param getHint the command that shows it later, for the Ctrl-C message
     * @return the completed resource; a failed one is an {@link ApiException} with the job's error
     */
    JsonNode await(String noun, Supplier<JsonNode> fetch, JsonNode current, String getHint)
            throws InterruptedException {
        long interval = Long.parseLong(ctx.env("CAPYDB_POLL_INTERVAL_MS", "1000"));
        Progress progress = new Progress(ctx.err(), ctx.stderrTty(), System::nanoTime);
        Thread hook = new Thread(() -> {
            progress.finish();
            ctx.err().println("Stopped waiting; the " + noun + " carries on. Check on it with: " + getHint);
            ctx.err().flush();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        JsonNode node = current;
        try {
            while (true) {
                String status = Json.text(node, "status");
                progress.update(state(noun, node));
                if ("completed".equals(status)) {
                    break;
                }
                if (status != null && FAILED.contains(status)) {
                    progress.finish();
                    if (json) {
                        ctx.out().println(Json.write(node));
                        ctx.out().flush();
                    }
                    String error = firstText(node, "error", "reason", "expired_reason");
                    throw ApiException.local(
                            noun.replace(' ', '_') + "_" + status,
                            noun + " " + Json.text(node, "id") + " " + status + (error == null ? "" : ": " + error));
                }
                Thread.sleep(interval);
                node = fetch.get();
            }
        } finally {
            progress.finish();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down (Ctrl-C): the hook is running.
            }
        }
        return node;
    }

    /** {@code backup 1a2b3c4d: running · loading · 12.3 MB}. */
    static String state(String noun, JsonNode node) {
        StringBuilder sb = new StringBuilder(noun);
        String id = Json.text(node, "id");
        if (id != null) {
            sb.append(' ').append(id, 0, Math.min(8, id.length()));
        }
        sb.append(": ").append(Json.text(node, "status"));
        String phase = Json.text(node, "phase");
        if (phase == null) {
            phase = Json.text(node, "waiting_for");
        }
        if (phase != null) {
            sb.append(" · ").append(phase);
        }
        JsonNode bytes = node.get("bytes_done");
        if (bytes == null || bytes.isNull() || bytes.asLong() == 0) {
            bytes = node.get("size_bytes");
        }
        String b = Format.bytes(bytes);
        if (b != null && bytes.asLong() > 0) {
            sb.append(" · ").append(b);
        }
        return sb.toString();
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            String v = Json.text(node, f);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
