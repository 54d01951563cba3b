package dev.capydb.imports.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/** The columns import-service keeps sealed; the chassis seals them again at each start (ResealAtStart). */
@Dependent
public class SealedColumns {

    @Produces
    static final SealedColumn SOURCE_URL = ImportJob.SOURCE_URL;
}
