package dev.capydb.dataplane.pgbackrest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.DatabaseHost;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What pgBackRest is asked to do, and what its {@code info} answers are read as. */
class PgBackRestTest {

    private static final DatabaseHost HOST = new DatabaseHost(
            "local-1",
            "local-1",
            "127.0.0.1",
            15433,
            "postgres",
            "x",
            true,
            "127.0.0.1",
            15433,
            "postgres",
            Optional.empty());

    /** Two sets of stanza local-1 as pgBackRest 2.45 prints them (trimmed), the incremental asked with --set. */
    private static final String INFO = """
            [{"name":"local-1","backup":[
              {"label":"20261207-110602F","type":"full","prior":null,
               "timestamp":{"start":1796641562,"stop":1796641569},"lsn":{"start":"0/9000028","stop":"0/9000100"},
               "info":{"size":110385909,"delta":110385909,"repository":{"size":10171794,"delta":10171794}}},
              {"label":"20261207-110602F_20261207-110613I","type":"incr","prior":"20261207-110602F",
               "timestamp":{"start":1796641573,"stop":1796641576},"lsn":{"start":"0/B000028","stop":"0/B000100"},
               "info":{"size":110385909,"delta":2048,"repository":{"size":10171794,"delta":812}},
               "database-ref":[{"name":"proj","oid":16384},{"name":"big","oid":16385},{"name":"postgres","oid":5}]}
            ]}]""";

    @Test
    void infoIsReadAsSetsOldestFirstWithWhatTheRepositoryStored() {
        List<BackupSet> sets = PgBackRest.parse(INFO);
        assertEquals(2, sets.size());
        BackupSet full = sets.get(0);
        assertEquals(BackupType.FULL, full.type());
        assertEquals(Instant.ofEpochSecond(1796641569), full.stopTime());
        assertEquals(10171794, full.repoSizeBytes());
        BackupSet incr = sets.get(1);
        assertEquals(BackupType.INCR, incr.type());
        assertEquals("20261207-110602F", incr.prior());
        assertEquals(812, incr.repoSizeBytes(), "an incremental stores only what changed");
        assertEquals(List.of("big", "postgres", "proj"), incr.databases());
        assertEquals(List.of(), PgBackRest.parse(""));
    }

    @Test
    void aRestoreCopiesOnlyTheIncludedDatabases() {
        BackupSet set = PgBackRest.parse(INFO).get(1);
        List<String> args = new PgBackRest(null, null, null, null)
                .restoreArgs(
                        Path.of("/s/pgbackrest.conf"),
                        HOST,
                        set,
                        Path.of("/s/data"),
                        Instant.parse("2026-12-07T11:06:16.809667Z"),
                        List.of("proj"),
                        List.of());
        assertEquals(
                List.of(
                        "--config=/s/pgbackrest.conf",
                        "--stanza=local-1",
                        "--pg1-path=/s/data",
                        "--set=20261207-110602F_20261207-110613I",
                        "--type=time",
                        "--target=2026-12-07 11:06:16.809667+00",
                        "--target-action=promote",
                        "--db-include=proj",
                        "restore"),
                args);
    }

    @Test
    void excludedDatabasesBecomeExcludeOptions() {
        BackupSet set = PgBackRest.parse(INFO).get(1);
        List<String> args = new PgBackRest(null, null, null, null)
                .restoreArgs(
                        Path.of("/s/pgbackrest.conf"),
                        HOST,
                        set,
                        Path.of("/s/data"),
                        Instant.parse("2026-12-07T11:06:16Z"),
                        List.of(),
                        List.of("big", "proj"));
        assertTrue(args.contains("--db-exclude=big") && args.contains("--db-exclude=proj"), args.toString());
        assertTrue(args.stream().noneMatch(a -> a.startsWith("--db-include")), args.toString());
    }

    @Test
    void retentionInDaysNeverShortensTheWindow() {
        assertEquals(7, PgBackRest.retentionDays(Duration.ofDays(7)));
        assertEquals(1, PgBackRest.retentionDays(Duration.ofHours(3)));
        assertEquals(2, PgBackRest.retentionDays(Duration.ofHours(25)));
    }
}
