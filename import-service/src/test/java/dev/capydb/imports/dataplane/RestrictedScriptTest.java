package dev.capydb.imports.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The script psql runs: our restriction first, the dump's own restrict lines gone, COPY data byte for byte. */
class RestrictedScriptTest {

    private static String filter(String script) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicLong bytes = new AtomicLong();
        RestrictedScript.header(out, "ourkey");
        RestrictedScript.body(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), out, bytes);
        assertEquals(script.getBytes(StandardCharsets.UTF_8).length, bytes.get());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDumpsOwnRestrictLinesAreDroppedAndCopyDataIsKept() throws Exception {
        String dump = "\\restrict abc123\nSET x = 1;\nCOPY public.t (a) FROM stdin;\n\\restrict in-data\n\\N\n\\.\n"
                + "SELECT 1;\n\\unrestrict abc123\n";
        assertEquals(
                "\\restrict ourkey\nSET x = 1;\nCOPY public.t (a) FROM stdin;\n\\restrict in-data\n\\N\n\\.\n"
                        + "SELECT 1;\n",
                filter(dump));
    }

    @Test
    void otherBackslashCommandsStayForPsqlToRefuseAndALastLineWithoutNewlineIsEnded() throws Exception {
        assertEquals("\\restrict ourkey\n\\! touch /tmp/x\nSELECT 1;\n", filter("\\! touch /tmp/x\nSELECT 1;"));
    }

    @Test
    void theTrailerChecksThePlanInsideTheTransaction() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RestrictedScript.trailer(out, 1234);
        String t = out.toString(StandardCharsets.US_ASCII);
        assertEquals(
                true,
                t.contains("ANALYZE;")
                        && t.contains(
                                "pg_catalog.pg_database_size(pg_catalog.current_database()) OPERATOR(pg_catalog.>) 1234::bigint")
                        && t.contains(RestrictedScript.OVER_PLAN),
                t);
    }
}
