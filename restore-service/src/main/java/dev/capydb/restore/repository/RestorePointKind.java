package dev.capydb.restore.repository;

import dev.capydb.chassis.persistence.WireEnumColumn;
import java.util.Optional;

/** What a restore point names: a backup (by its key) or a moment of the project's WAL (PITR). */
public enum RestorePointKind {
    BACKUP,
    PITR;

    /** The name stored in the column and sent in JSON and events ({@code pitr}). */
    public String wire() {
        return WireEnumColumn.wire(this);
    }

    /** The kind a request names by its wire name; empty for anything else. */
    public static Optional<RestorePointKind> fromWire(String wire) {
        return WireEnumColumn.fromWire(RestorePointKind.class, wire);
    }

    /** Maps the column to the enum by its wire name. */
    public static final class Column extends WireEnumColumn<RestorePointKind> {
        public Column() {
            super(RestorePointKind.class);
        }
    }
}
