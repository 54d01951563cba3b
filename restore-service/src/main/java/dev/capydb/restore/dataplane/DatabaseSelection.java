package dev.capydb.restore.dataplane;

import dev.capydb.dataplane.pgbackrest.BackupSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which databases of a backup set a point-in-time restore copies in full ({@code include}) or leaves as sparse zero
 * files ({@code exclude}); the system databases are always copied. The project's database and any scratch database a
 * restore ({@code rs_<id>}) or an import ({@code im_<id>}) was loading when the set was taken are included: one of
 * them may have been swapped in under the project's name between the set and the target, and they live only while
 * their job runs. A project newer than the set has nothing to include: every user database of the set is excluded
 * and WAL replay creates the project's.
 */
public record DatabaseSelection(List<String> include, List<String> exclude, List<String> missing) {

    private static final List<String> SYSTEM_DATABASES = List.of("postgres", "template0", "template1");
    /** pgBackRest's refusal of a name the set lists but holds no files of (the database was dropped during the backup). */
    private static final Pattern MISSING = Pattern.compile("database to (?:include|exclude) '([^']+)' does not exist");

    public static DatabaseSelection of(BackupSet set, String database) {
        return select(set, database, List.of());
    }

    private static DatabaseSelection select(BackupSet set, String database, List<String> missing) {
        List<String> usable =
                set.databases().stream().filter(d -> !missing.contains(d)).toList();
        List<String> include = usable.stream()
                .filter(d -> d.equals(database) || d.matches("(rs|im)_[0-9a-f]{32}"))
                .toList();
        List<String> exclude = include.isEmpty()
                ? usable.stream().filter(d -> !SYSTEM_DATABASES.contains(d)).toList()
                : List.of();
        return new DatabaseSelection(include, exclude, missing);
    }

    /**
     * The selection without the database pgBackRest's {@code stderr} says the set holds no files of, when it says
     * so: the set listed it at the start of the backup, and it was dropped before its files were copied.
     */
    public Optional<DatabaseSelection> withoutMissing(BackupSet set, String database, String stderr) {
        Matcher m = MISSING.matcher(stderr == null ? "" : stderr);
        if (!m.find() || missing.contains(m.group(1))) {
            return Optional.empty();
        }
        List<String> more = new ArrayList<>(missing);
        more.add(m.group(1));
        return Optional.of(select(set, database, List.copyOf(more)));
    }
}
