package dev.capydb.restore.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InvalidPagesTest {

    private static final String LOG = """
            2026-12-07 14:31:40.900 UTC [24457] LOG:  consistent recovery state reached at 0/5A000100
            2026-12-07 14:31:40.901 UTC [24457] WARNING:  page 4 of relation base/16397/760179 is uninitialized
            2026-12-07 14:31:40.901 UTC [24457] CONTEXT:  WAL redo at 0/5A0001A8 for Heap2/VISIBLE: cutoff xid 976 flags 0x01
            2026-12-07 14:31:40.902 UTC [24457] WARNING:  WAL contains references to invalid pages
            2026-12-07 14:31:40.903 UTC [24457] WARNING:  page 0 of relation pg_tblspc/16500/PG_15_202209061/16400/16501 does not exist
            """;

    @Test
    void pagesMissingFromNeighboursDoNotTouchTheProject() {
        InvalidPages pages = InvalidPages.in(LOG.lines());
        assertEquals(2, pages.lines().size());
        assertTrue(pages.touch(16397));
        assertTrue(pages.touch(16400), "a database in a tablespace is named by its oid too");
        assertFalse(pages.touch(16384), "the project's database is whole");
    }

    @Test
    void aPageMissingFromTheSharedCatalogsTouchesEveryDatabase() {
        InvalidPages pages = InvalidPages.in("WARNING:  page 1 of relation global/1262 is uninitialized\n".lines());
        assertTrue(pages.sharedCatalogs());
        assertTrue(pages.touch(16384));
    }

    @Test
    void aCleanRecoveryReportsNothing() {
        InvalidPages pages = InvalidPages.in("LOG:  database system is ready to accept connections\n".lines());
        assertTrue(pages.lines().isEmpty());
        assertFalse(pages.touch(16384));
    }
}
