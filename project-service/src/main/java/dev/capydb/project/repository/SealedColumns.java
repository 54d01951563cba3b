package dev.capydb.project.repository;

import dev.capydb.chassis.crypto.SealedColumn;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/** The columns project-service keeps sealed; the chassis seals them again at each start (ResealAtStart). */
@Dependent
public class SealedColumns {

    @Produces
    static final SealedColumn PROJECT_PASSWORD = Project.PASSWORD;
}
