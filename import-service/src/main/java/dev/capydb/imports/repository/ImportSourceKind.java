package dev.capydb.imports.repository;

import dev.capydb.chassis.persistence.WireEnumColumn;

/** What an import loads: a live database at a URL, or an uploaded dump file. */
public enum ImportSourceKind {
    URL,
    UPLOAD;

    /** The name stored in the column and sent in JSON and events ({@code url}). */
    public String wire() {
        return WireEnumColumn.wire(this);
    }

    /** Maps the column to the enum by its wire name. */
    public static final class Column extends WireEnumColumn<ImportSourceKind> {
        public Column() {
            super(ImportSourceKind.class);
        }
    }
}
