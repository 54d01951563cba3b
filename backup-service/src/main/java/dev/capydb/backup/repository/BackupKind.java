package dev.capydb.backup.repository;

/** Why a backup was taken. */
public enum BackupKind {
    MANUAL,
    SCHEDULED,
    /** Taken (and always verified) before a cutover overwrites production. */
    PRE_CUTOVER;

    public String wire() {
        return name().toLowerCase();
    }
}
