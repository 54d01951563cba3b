package dev.capydb.chassis.paging;

import java.util.List;

/** One page of a newest-first list; {@code next_cursor} is absent on the last page. */
public record Page<T>(List<T> items, String nextCursor) {
}
