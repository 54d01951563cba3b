package dev.capydb.cutover.repository;

/** The saga step an in-progress cutover waits for; shown to users so a silent step is visible, not a hang. */
public final class WaitingFor {

    /** backup-service is taking and verifying {@code pre-cutover-<request-id>}. */
    public static final String PRE_CUTOVER_BACKUP = "pre_cutover_backup";
    /** restore-service is copying the preview over production. */
    public static final String PROMOTION = "promotion";

    private WaitingFor() {}
}
