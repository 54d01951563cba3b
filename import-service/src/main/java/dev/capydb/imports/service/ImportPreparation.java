package dev.capydb.imports.service;

import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.imports.dataplane.DumpLoader;
import dev.capydb.imports.dataplane.SourceFacts;
import dev.capydb.imports.dataplane.SourceInspector;
import dev.capydb.imports.dataplane.SourceUnreachable;
import dev.capydb.imports.dataplane.TargetFacts;
import dev.capydb.imports.dataplane.UploadedDumps;
import dev.capydb.imports.repository.DumpUpload;
import dev.capydb.imports.repository.ImportJob;
import dev.capydb.imports.repository.ImportSourceKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;

/**
 * Runs an import's source gate and checks again right before anything is changed (the source may have drifted
 * since preflight, or its DNS changed), and says what the load reads.
 */
@ApplicationScoped
public class ImportPreparation {

    /** What a prepared import loads: its SQL source and the extensions it needs. */
    public record Plan(DumpLoader.SqlSource source, List<String> extensions) {}

    private final ImportService imports;
    private final SourceGate gate;
    private final Preflight preflight;
    private final SourceInspector inspector;
    private final DumpLoader loader;
    private final UploadedDumps dumps;

    public ImportPreparation(
            ImportService imports,
            SourceGate gate,
            Preflight preflight,
            SourceInspector inspector,
            DumpLoader loader,
            UploadedDumps dumps) {
        this.imports = imports;
        this.gate = gate;
        this.preflight = preflight;
        this.inspector = inspector;
        this.loader = loader;
        this.dumps = dumps;
    }

    /** The gate and the checks, run again; throws what a user is told when one fails. */
    public Plan prepare(ImportJob x, ProjectView project, DatabaseHost host) throws ImportFailure, SQLException {
        TargetFacts target = TargetFacts.of(host);
        if (x.sourceKind == ImportSourceKind.URL) {
            SourceGate.CheckedSource source = gate.check(imports.sourceUrl(x));
            SourceFacts facts;
            try {
                facts = inspector.inspect(source);
            } catch (SourceUnreachable e) {
                throw new ImportFailure(e.getMessage());
            }
            Preflight.Report report =
                    preflight.grade(source.url().masked(), facts, target, project.storageLimitBytes());
            if (report.failed()) {
                throw new ImportFailure("preflight_failed: " + report.failures());
            }
            return new Plan(loader.fromDatabase(source), facts.extensions());
        }
        String key = dumpKey(x);
        long size = dumps.size(key).orElseThrow(() -> new ImportFailure("the uploaded file is gone"));
        if (size > project.storageLimitBytes()) {
            throw new ImportFailure("dump_too_large: the uploaded file is " + size + " bytes, more than the plan's "
                    + "storage limit of " + project.storageLimitBytes() + " bytes");
        }
        try {
            boolean custom = dumps.isCustomFormat(key);
            QuarkusTransaction.requiringNew()
                    .run(() -> ImportJob.<ImportJob>findById(x.id).dumpFormat = custom ? "custom" : "plain");
            List<String> extensions = List.of();
            if (custom) {
                extensions = dumps.extensionsInArchive(key);
                Preflight.Check check = preflight.extensions(extensions, target);
                if ("fail".equals(check.status())) {
                    throw new ImportFailure("preflight_failed: " + check.name() + ": " + check.detail());
                }
            }
            return new Plan(loader.fromObject(key, custom), extensions);
        } catch (IOException e) {
            throw new ImportFailure(e.getMessage());
        }
    }

    /**
     * The object an upload import reads: its frozen copy, which the client cannot write; an import accepted before
     * copies were made (no {@code accepted_key}) reads the upload itself, as it did when it was accepted.
     */
    private static String dumpKey(ImportJob x) {
        if (x.acceptedKey != null) {
            return x.acceptedKey;
        }
        return QuarkusTransaction.requiringNew().call(() -> DumpUpload.<DumpUpload>findById(x.uploadId)).objectKey;
    }
}
