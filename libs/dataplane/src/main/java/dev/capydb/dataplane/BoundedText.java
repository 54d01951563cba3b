package dev.capydb.dataplane;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A tool's output read as text up to a bound. Output that comes from a database a customer controls (a catalogue
 * query against an import source, the table of contents of an uploaded dump) could be made arbitrarily large; past
 * the bound reading stops with an error, which makes the runner stop the tool, instead of growing the heap.
 */
public final class BoundedText {

    /** What a catalogue listing may reasonably take. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;

    private BoundedText() {}

    /** The stream's text (UTF-8), or an {@link IOException} once it passes {@code maxBytes}. */
    public static String read(InputStream in, int maxBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) != -1) {
            if (out.size() + n > maxBytes) {
                throw new IOException("more than " + maxBytes + " bytes of output; not read further");
            }
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
