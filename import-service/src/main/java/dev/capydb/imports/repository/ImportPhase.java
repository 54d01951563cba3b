package dev.capydb.imports.repository;

import dev.capydb.chassis.persistence.WireEnumColumn;

/** Where a running import is: {@code queued → checking → loading → (swapping →) done}. */
public enum ImportPhase {
    QUEUED,
    CHECKING,
    LOADING,
    SWAPPING,
    DONE;

    /** The name stored in the column and sent in JSON and events ({@code checking}). */
    public String wire() {
        return WireEnumColumn.wire(this);
    }

    /** Maps the column to the enum by its wire name. */
    public static final class Column extends WireEnumColumn<ImportPhase> {
        public Column() {
            super(ImportPhase.class);
        }
    }
}
