package dev.capydb.restore.repository;

import dev.capydb.chassis.persistence.WireEnumColumn;

/** Where a running restore is: {@code queued → fetching → replaying_wal} (point in time), {@code creating_preview}, {@code loading → swapping → done}. */
public enum RestorePhase {
    QUEUED,
    FETCHING,
    REPLAYING_WAL,
    CREATING_PREVIEW,
    LOADING,
    SWAPPING,
    DONE;

    /** The name stored in the column and sent in JSON and events ({@code replaying_wal}). */
    public String wire() {
        return WireEnumColumn.wire(this);
    }

    /** Maps the column to the enum by its wire name. */
    public static final class Column extends WireEnumColumn<RestorePhase> {
        public Column() {
            super(RestorePhase.class);
        }
    }
}
