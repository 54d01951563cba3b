package dev.capydb.imports.dataplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns an untrusted SQL script into the input psql runs: first a restrict meta-command with our own key, so psql
 * refuses every backslash command the script carries ({@code \!} would run a shell on our worker, {@code \connect}
 * would leave the target); the script's own restrict/unrestrict lines (pg_dump 15.14+ writes them) are dropped
 * since ours is already in force. COPY data is passed through untouched. Then a trailer runs {@code ANALYZE} and
 * refuses to commit a database larger than the plan allows.
 */
public final class RestrictedScript {

    /** The marker the trailer raises; the worker recognises it in psql's error output. */
    public static final String OVER_PLAN = "capydb_over_plan";

    private static final byte[] RESTRICT = "\\restrict ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNRESTRICT = "\\unrestrict ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COPY = "COPY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FROM_STDIN = "FROM stdin;".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_COPY = "\\.".getBytes(StandardCharsets.US_ASCII);

    private RestrictedScript() {}

    public static void header(OutputStream out, String key) throws IOException {
        out.write(("\\restrict " + key + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** Copies {@code in} to {@code out} line by line, dropping the script's own restrict lines outside COPY data. */
    public static void body(InputStream in, OutputStream out, AtomicLong bytes) throws IOException {
        byte[] buf = new byte[1 << 16];
        byte[] line = new byte[1 << 12];
        int len = 0;
        boolean inCopy = false;
        for (int n; (n = in.read(buf)) > 0; ) {
            bytes.addAndGet(n);
            for (int i = 0; i < n; i++) {
                if (len == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[len++] = buf[i];
                if (buf[i] == '\n') {
                    inCopy = emit(line, len, out, inCopy);
                    len = 0;
                }
            }
        }
        if (len > 0) {
            emit(line, len, out, inCopy);
            out.write('\n');
        }
    }

    /**
     * ANALYZE, then the plan check, both inside the script's single transaction. The script just ran the customer's
     * SQL (which may have set search_path and created look-alike functions), so every name is qualified.
     */
    public static void trailer(OutputStream out, long limitBytes) throws IOException {
        String size = "pg_catalog.pg_database_size(pg_catalog.current_database())";
        out.write(("\n;\nANALYZE;\nDO $capydb$ BEGIN IF " + size + " OPERATOR(pg_catalog.>) " + limitBytes
                        + "::bigint THEN RAISE EXCEPTION '" + OVER_PLAN
                        + ": the database is % bytes, over the plan limit of "
                        + limitBytes + " bytes', " + size + "; END IF; END $capydb$;\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean emit(byte[] line, int len, OutputStream out, boolean inCopy) throws IOException {
        int content = len;
        while (content > 0 && (line[content - 1] == '\n' || line[content - 1] == '\r')) {
            content--;
        }
        if (inCopy) {
            out.write(line, 0, len);
            return !(content == END_OF_COPY.length && startsWith(line, content, END_OF_COPY));
        }
        if (startsWith(line, content, RESTRICT) || startsWith(line, content, UNRESTRICT)) {
            return false;
        }
        out.write(line, 0, len);
        return startsWith(line, content, COPY) && endsWith(line, content, FROM_STDIN);
    }

    private static boolean startsWith(byte[] line, int len, byte[] prefix) {
        if (len < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(byte[] line, int len, byte[] suffix) {
        if (len < suffix.length) {
            return false;
        }
        for (int i = 0; i < suffix.length; i++) {
            if (line[len - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }
}
