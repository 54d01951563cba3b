package dev.capydb.imports.service;

import dev.capydb.chassis.readmodel.ProjectView;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.imports.config.ImportConfig;
import dev.capydb.imports.dataplane.SourceFacts;
import dev.capydb.imports.dataplane.SourceInspector;
import dev.capydb.imports.dataplane.SourceUnreachable;
import dev.capydb.imports.dataplane.TargetFacts;
import dev.capydb.imports.service.SourceGate.CheckedSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Grades an import before it runs: the source's size against the plan, its major version against the target
 * host's, and its extensions against the allowlist and what the host offers. Reads only; changes nothing.
 */
@ApplicationScoped
public class Preflight {

    public static final String SIZE = "source_size_within_plan";
    public static final String VERSION = "source_version_compatible";
    public static final String EXTENSIONS = "extensions_available_on_target";

    /** One check's grade. */
    public record Check(String name, String status, String detail) {}

    /** The three checks and the worst of them. */
    public record Report(String source, String status, List<Check> checks) {

        public boolean failed() {
            return "fail".equals(status);
        }

        /** The failing checks' details, for a job's error. */
        public String failures() {
            return String.join(
                    "; ",
                    checks.stream()
                            .filter(c -> "fail".equals(c.status()))
                            .map(c -> c.name() + ": " + c.detail())
                            .toList());
        }
    }

    private final SourceInspector inspector;
    private final HostRegistry hosts;
    private final ImportConfig config;

    public Preflight(SourceInspector inspector, HostRegistry hosts, ImportConfig config) {
        this.inspector = inspector;
        this.hosts = hosts;
        this.config = config;
    }

    /** Connects to the checked source and grades it; an unreachable source fails every check with the reason. */
    public Report run(ProjectView project, CheckedSource source) {
        TargetFacts target;
        try {
            target = TargetFacts.of(hosts.host(project.hostId()));
        } catch (SQLException e) {
            throw new IllegalStateException("the project's database host cannot be inspected: " + e.getMessage(), e);
        }
        SourceFacts facts;
        try {
            facts = inspector.inspect(source);
        } catch (SourceUnreachable e) {
            return unreachable(source.url().masked(), e.getMessage());
        }
        return grade(source.url().masked(), facts, target, project.storageLimitBytes());
    }

    /** A source that could not be reached fails every check, each with the reason. */
    public Report unreachable(String source, String reason) {
        return new Report(
                source,
                "fail",
                List.of(
                        new Check(SIZE, "fail", reason),
                        new Check(VERSION, "fail", reason),
                        new Check(EXTENSIONS, "fail", reason)));
    }

    /** The grading itself, on facts already gathered. */
    public Report grade(String source, SourceFacts facts, TargetFacts target, long limitBytes) {
        List<Check> checks = List.of(
                size(facts.sizeBytes(), limitBytes), version(facts, target), extensions(facts.extensions(), target));
        return new Report(source, worst(checks), checks);
    }

    public Check size(long sizeBytes, long limitBytes) {
        String detail = "the source database is " + mib(sizeBytes) + "; the plan allows " + mib(limitBytes);
        if (sizeBytes > limitBytes) {
            return new Check(SIZE, "fail", detail);
        }
        if (sizeBytes > limitBytes * config.sizeWarnRatio()) {
            return new Check(SIZE, "warn", detail + " (over " + Math.round(config.sizeWarnRatio() * 100) + "% of it)");
        }
        return new Check(SIZE, "pass", detail);
    }

    static Check version(SourceFacts facts, TargetFacts target) {
        String detail = "source runs PostgreSQL " + facts.major() + ", target host " + target.hostId() + " runs "
                + target.major();
        if (facts.major() > target.major()) {
            return new Check(
                    VERSION, "fail", detail + "; a dump from a newer major cannot be loaded into an older one");
        }
        return new Check(VERSION, "pass", detail);
    }

    /** Names every extension outside the allowlist and every allowed one the target host does not offer. */
    public Check extensions(Collection<String> used, TargetFacts target) {
        Set<String> allowed = config.allowedExtensions();
        List<String> notAllowed = new ArrayList<>();
        List<String> notOffered = new ArrayList<>();
        for (String ext : used) {
            if (ext.equals("plpgsql")) {
                continue;
            }
            if (!allowed.contains(ext)) {
                notAllowed.add(ext);
            } else if (!target.availableExtensions().contains(ext)) {
                notOffered.add(ext);
            }
        }
        if (notAllowed.isEmpty() && notOffered.isEmpty()) {
            List<String> real =
                    used.stream().filter(e -> !e.equals("plpgsql")).sorted().toList();
            return new Check(
                    EXTENSIONS,
                    "pass",
                    real.isEmpty()
                            ? "the source uses no extensions"
                            : "the source uses " + String.join(", ", real) + "; all are available on the target");
        }
        List<String> parts = new ArrayList<>();
        if (!notAllowed.isEmpty()) {
            parts.add("not on the allowlist: "
                    + String.join(", ", notAllowed.stream().sorted().toList()));
        }
        if (!notOffered.isEmpty()) {
            parts.add("not installed on target host " + target.hostId() + ": "
                    + String.join(", ", notOffered.stream().sorted().toList()));
        }
        return new Check(EXTENSIONS, "fail", String.join("; ", parts));
    }

    private static String worst(List<Check> checks) {
        if (checks.stream().anyMatch(c -> c.status().equals("fail"))) {
            return "fail";
        }
        return checks.stream().anyMatch(c -> c.status().equals("warn")) ? "warn" : "pass";
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
