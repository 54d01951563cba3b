package dev.capydb.restore.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/** The columns restore-service keeps sealed; the chassis seals them again at each start (ResealAtStart). */
@Dependent
public class SealedColumns {

    @Produces
    static final SealedColumn PREVIEW_PASSWORD = Preview.PASSWORD;
}
