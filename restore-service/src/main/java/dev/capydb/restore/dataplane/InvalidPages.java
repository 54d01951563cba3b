package dev.capydb.restore.dataplane;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The pages WAL replay referenced but the restored files did not hold, as a scratch cluster's log reports them. A
 * selective restore leaves the neighbours' databases as zero-filled files, and a WAL record that touches one of their
 * pages without carrying its image (VACUUM marking a page all-visible, for one) finds nothing there: PostgreSQL stops
 * recovery for that unless {@code ignore_invalid_pages} is on, and then reports each page as a WARNING instead. Those
 * in a neighbour's database are harmless (it is never read); one in the database we dump, or in the shared catalogs,
 * means the copy is incomplete and the restore must fail.
 */
public record InvalidPages(Set<Long> databaseOids, boolean sharedCatalogs, long count, List<String> lines) {

    /** PostgreSQL's report: {@code page 4 of relation base/16397/760179 is uninitialized} (or {@code does not exist}). */
    private static final Pattern PAGE = Pattern.compile(
            "page \\d+ of relation (?:base/(\\d+)/|(global)/|pg_tblspc/\\d+/[^/]+/(\\d+)/)\\S* (?:is uninitialized|does not exist)");
    /** How many report lines are kept to show: a big neighbour can yield a hundred thousand of them. */
    private static final int KEPT_LINES = 20;

    /** Reads the reports out of a scratch cluster's log, line by line (the log can be large). */
    public static InvalidPages in(Stream<String> log) {
        Set<Long> oids = new LinkedHashSet<>();
        boolean shared = false;
        long count = 0;
        List<String> kept = new ArrayList<>();
        for (String line : (Iterable<String>) log::iterator) {
            Matcher m = PAGE.matcher(line);
            if (!m.find()) {
                continue;
            }
            count++;
            if (kept.size() < KEPT_LINES) {
                kept.add(line);
            }
            if (m.group(2) != null) {
                shared = true;
            } else {
                oids.add(Long.parseLong(m.group(1) != null ? m.group(1) : m.group(3)));
            }
        }
        return new InvalidPages(Set.copyOf(oids), shared, count, List.copyOf(kept));
    }

    /** Whether any referenced page is missing from the database with {@code oid} or from the shared catalogs. */
    public boolean touch(long oid) {
        return sharedCatalogs || databaseOids.contains(oid);
    }
}
