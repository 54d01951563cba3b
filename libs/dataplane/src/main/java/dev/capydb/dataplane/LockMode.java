package dev.capydb.dataplane;

/** Shared for work that only reads a project (backups), exclusive for anything that overwrites it. */
public enum LockMode {
    SHARED("pg_try_advisory_lock_shared"),
    EXCLUSIVE("pg_try_advisory_lock");

    final String tryFunction;

    LockMode(String tryFunction) {
        this.tryFunction = tryFunction;
    }
}
