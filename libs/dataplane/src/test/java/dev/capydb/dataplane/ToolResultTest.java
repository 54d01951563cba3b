package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How a failed tool run is put into words for a job's error. */
class ToolResultTest {

    @Test
    void aToolThatFailedOnItsOwnIsNamedBeforeTheStreamItBroke() {
        // pg_dump of a missing database: the upload it fed fails too, sometimes before the exit is seen.
        ToolResult r = new ToolResult(
                1, false, "pg_dump: error: database \"gone\" does not exist\n", "Error writing request body");
        assertEquals(
                "pg_dump exited with 1: pg_dump: error: database \"gone\" does not exist; stream failed: "
                        + "Error writing request body",
                r.describeFailure("pg_dump"));
    }

    @Test
    void aStreamThatFailedUnderAHealthyToolIsTheStreamsFailure() {
        ToolResult r = new ToolResult(0, false, "", "object storage unavailable");
        assertEquals("pg_dump stream failed: object storage unavailable", r.describeFailure("pg_dump"));
    }

    @Test
    void aFullDiskIsSaidFirst() {
        ToolResult r =
                new ToolResult(1, false, "ERROR: could not extend file \"base/1/2\": No space left on device", null);
        assertEquals(
                "the database host ran out of disk space: pg_restore exited with 1: ERROR: could not extend file "
                        + "\"base/1/2\": No space left on device",
                r.describeFailure("pg_restore"));
    }
}
