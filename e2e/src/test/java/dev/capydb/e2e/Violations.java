package dev.capydb.e2e;

import java.util.ArrayList;
import java.util.List;

/**
 * Contract violations seen by a gate that watches traffic it does not send (the proxy, the browser): collected as the
 * calls happen, on whatever thread sees them, and turned into one failure when the test is over.
 */
final class Violations {

    private final List<String> found = new ArrayList<>();

    synchronized void add(String violation) {
        found.add(violation);
    }

    /** Fails with every violation collected since the last call, and starts afresh. */
    void assertNone() {
        List<String> seen;
        synchronized (this) {
            seen = List.copyOf(found);
            found.clear();
        }
        if (!seen.isEmpty()) {
            throw new AssertionError(String.join("\n", seen));
        }
    }
}
