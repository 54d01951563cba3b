package dev.capydb.dataplane.pgbackrest;

/** pgBackRest's backup types: a full copy, the changes since the last full, the changes since the last backup. */
public enum BackupType {
    FULL("full"),
    DIFF("diff"),
    INCR("incr");

    private final String option;

    BackupType(String option) {
        this.option = option;
    }

    /** The value of pgBackRest's {@code --type}. */
    public String option() {
        return option;
    }

    public static BackupType of(String option) {
        for (BackupType k : values()) {
            if (k.option.equals(option)) {
                return k;
            }
        }
        throw new IllegalArgumentException("not a pgBackRest backup type: " + option);
    }
}
