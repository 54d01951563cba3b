package dev.capydb.chassis.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The row a sealed value belongs to (table, column, row id), sealed with it as associated data: a value copied to
 * another row or column no longer opens.
 */
public record Aad(String table, String column, String rowId) {

    public Aad {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
        // Sealing before the row has its id would bind the value to no row at all.
        Objects.requireNonNull(rowId, "a sealed value needs its row's id");
    }

    public static Aad of(String table, String column, Object rowId) {
        return new Aad(table, column, rowId == null ? null : rowId.toString());
    }

    byte[] bytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code table.column:id}, the bytes sealed with the value; also how failures name the value. */
    @Override
    public String toString() {
        return table + "." + column + ":" + rowId;
    }
}
