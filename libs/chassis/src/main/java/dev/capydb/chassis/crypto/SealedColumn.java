package dev.capydb.chassis.crypto;

import java.util.regex.Pattern;

/** A column of sealed values and its table's id column: each row's {@link Aad}, and where {@link Reseal} looks. */
public record SealedColumn(String table, String idColumn, String column) {

    // The names go into SQL as they are.
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    public SealedColumn {
        for (String name : new String[] {table, idColumn, column}) {
            if (name == null || !IDENTIFIER.matcher(name).matches()) {
                throw new IllegalArgumentException("not a plain SQL identifier: " + name);
            }
        }
    }

    /** The associated data of the value in row {@code rowId}. */
    public Aad aad(Object rowId) {
        return Aad.of(table, column, rowId);
    }
}
