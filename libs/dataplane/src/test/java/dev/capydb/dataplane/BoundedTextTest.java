package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Output within the bound is read whole; an endless one stops at the bound instead of filling the heap. */
class BoundedTextTest {

    @Test
    void textWithinTheBoundIsReadWhole() throws IOException {
        String text = "v|170002|8123456\ne|pgcrypto\n";
        assertEquals(text, BoundedText.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 64));
    }

    @Test
    void anEndlessStreamStopsAtTheBound() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'x';
            }
        };
        IOException e = assertThrows(IOException.class, () -> BoundedText.read(endless, 1 << 20));
        assertTrue(e.getMessage().contains("1048576"), e.getMessage());
    }
}
