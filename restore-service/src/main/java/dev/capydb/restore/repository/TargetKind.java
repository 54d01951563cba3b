package dev.capydb.restore.repository;

import dev.capydb.chassis.persistence.WireEnumColumn;
import java.util.Optional;

/** Where a restore's data lands: a new preview, an existing preview, or the project's production database. */
public enum TargetKind {
    NEW_PREVIEW,
    PREVIEW,
    PROJECT;

    /** The name stored in the column and sent in JSON and events ({@code new_preview}). */
    public String wire() {
        return WireEnumColumn.wire(this);
    }

    /** Parses the wire name; empty for anything else. */
    public static Optional<TargetKind> fromWire(String wire) {
        return WireEnumColumn.fromWire(TargetKind.class, wire);
    }

    /** Maps the column to the enum by its wire name. */
    public static final class Column extends WireEnumColumn<TargetKind> {
        public Column() {
            super(TargetKind.class);
        }
    }
}
