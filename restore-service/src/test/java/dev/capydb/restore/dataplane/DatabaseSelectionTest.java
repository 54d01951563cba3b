package dev.capydb.restore.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.dataplane.pgbackrest.BackupSet;
import dev.capydb.dataplane.pgbackrest.BackupType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which databases of a backup set a point-in-time restore copies: the project's and in-flight scratch databases. */
class DatabaseSelectionTest {

    private static final String RS = "rs_" + "0123456789abcdef".repeat(2);
    private static final String IM = "im_" + "fedcba9876543210".repeat(2);

    private static BackupSet setOf(List<String> databases) {
        return new BackupSet(
                "20261207-110602F", BackupType.FULL, null, Instant.EPOCH, Instant.EPOCH, "0/1", "0/2", 1, 1, databases);
    }

    @Test
    void theProjectsDatabaseAndScratchDatabasesThatMayBeSwappedInUnderItsName() {
        BackupSet set = setOf(List.of(IM, "postgres", "prj_a", "prj_b", "prj_b_old_1234abcd", RS, "rs_elsewhere"));
        DatabaseSelection s = DatabaseSelection.of(set, "prj_b");
        assertEquals(List.of(IM, "prj_b", RS), s.include());
        assertEquals(List.of(), s.exclude(), "with includes, pgBackRest leaves every other database sparse");
    }

    @Test
    void aProjectNewerThanTheSetExcludesEveryUserDatabaseOfIt() {
        DatabaseSelection s =
                DatabaseSelection.of(setOf(List.of("postgres", "prj_a", "template1", "prj_c")), "prj_new");
        assertEquals(List.of(), s.include());
        assertEquals(List.of("prj_a", "prj_c"), s.exclude());
    }

    @Test
    void aDatabaseDroppedWhileTheBackupRanIsLeftOutWhenPgBackRestSaysSo() {
        BackupSet set = setOf(List.of("postgres", "prj_a", "prj_gone"));
        DatabaseSelection s = DatabaseSelection.of(set, "prj_new");
        DatabaseSelection next = s.withoutMissing(
                        set, "prj_new", "ERROR: [080]: database to exclude 'prj_gone' does not exist")
                .orElseThrow();
        assertEquals(List.of("prj_a"), next.exclude());
        assertTrue(
                next.withoutMissing(set, "prj_new", "ERROR: [080]: database to exclude 'prj_gone' does not exist")
                        .isEmpty(),
                "the same refusal twice is a real failure");
        assertTrue(
                s.withoutMissing(set, "prj_new", "ERROR: [045]: unable to connect")
                        .isEmpty(),
                "other errors fail");

        BackupSet withScratch = setOf(List.of("postgres", "prj_a", RS));
        DatabaseSelection onlyScratch = DatabaseSelection.of(withScratch, "prj_new");
        assertEquals(List.of(RS), onlyScratch.include());
        DatabaseSelection none = onlyScratch
                .withoutMissing(withScratch, "prj_new", "ERROR: [080]: database to include '" + RS + "' does not exist")
                .orElseThrow();
        assertEquals(List.of(), none.include());
        assertEquals(List.of("prj_a"), none.exclude(), "nothing left to include: exclude the rest");
    }
}
