package dev.capydb.restore.repository;

import dev.capydb.chassis.persistence.WireEnumColumn;

/** Where a restore's data comes from: a backup, a point in time, a restore point, or a preview (cutover promotion). */
public enum SourceKind {
    BACKUP,
    PITR,
    RESTORE_POINT,
    PREVIEW;

    /** The name stored in the column and sent in JSON and events ({@code restore_point}). */
    public String wire() {
        return WireEnumColumn.wire(this);
    }

    /** Maps the column to the enum by its wire name. */
    public static final class Column extends WireEnumColumn<SourceKind> {
        public Column() {
            super(SourceKind.class);
        }
    }
}
