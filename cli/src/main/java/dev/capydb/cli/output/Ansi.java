package dev.capydb.cli.output;

/** The few ANSI colours the CLI uses: green for good, yellow for in between, red for bad. */
public final class Ansi {

    private static final String RESET = "\u001b[0m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String RED = "\u001b[31m";

    private Ansi() {}

    public static String status(String s) {
        String c = switch (s == null ? "" : s) {
            case "pass", "completed", "active", "ok", "succeeded", "delivered" -> GREEN;
            case "warn", "pending", "running", "open", "acked", "in_progress", "queued" -> YELLOW;
            case "fail", "failed", "rejected", "disabled", "exhausted", "expired" -> RED;
            default -> null;
        };
        return c == null ? s : c + s + RESET;
    }
}
