package dev.capydb.dataplane;

import java.io.IOException;

/** Work on one end of a child process's stream: feeding its stdin or draining its stdout. */
@FunctionalInterface
public interface StreamTask<T> {
    void run(T stream) throws IOException;
}
