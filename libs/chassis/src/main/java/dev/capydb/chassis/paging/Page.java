package dev.capydb.chassis.paging;

import java.util.List;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One page of a newest-first list; {@code next_cursor} is null on the last page. */
public record Page<T>(
        @Schema(required = true, description = "This page, newest first")
        List<T> items,

        @Schema(
                required = true,
                nullable = true,
                description = "Pass as cursor to get the next page; " + "null on the last page")
        String nextCursor) {

    /**
     * Cuts a page from rows fetched with one row more than {@code size}: that extra row only says another page
     * exists, and the cursor points after the last row kept.
     */
    public static <T> Page<T> of(List<T> rowsPlusOne, int size, Function<T, Cursor> position) {
        if (rowsPlusOne.size() <= size) {
            return new Page<>(rowsPlusOne, null);
        }
        List<T> rows = rowsPlusOne.subList(0, size);
        return new Page<>(rows, position.apply(rows.get(size - 1)).encode());
    }

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), nextCursor);
    }
}
