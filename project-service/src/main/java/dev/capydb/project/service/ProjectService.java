package dev.capydb.project.service;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.UniqueViolation;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.quota.Quota;
import dev.capydb.chassis.quota.QuotaLock;
import dev.capydb.chassis.security.Principal;
import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.DatabaseProvisioner;
import dev.capydb.dataplane.HostRegistry;
import dev.capydb.dataplane.LockMode;
import dev.capydb.dataplane.Passwords;
import dev.capydb.dataplane.ProjectBusyException;
import dev.capydb.dataplane.ProjectLocks;
import dev.capydb.dataplane.Region;
import dev.capydb.events.EventType;
import dev.capydb.project.config.ProjectsConfig;
import dev.capydb.project.messaging.ProjectEvents;
import dev.capydb.project.repository.Project;
import dev.capydb.project.repository.ProjectRepository;
import dev.capydb.project.repository.ProjectStatus;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Creates and deletes projects: a database and its login role on a host of the chosen region, recorded with
 * its event in one transaction. Host work happens outside that transaction and is undone if it fails.
 */
@ApplicationScoped
public class ProjectService {

    private static final Logger LOG = Logger.getLogger(ProjectService.class);
    /** A project's name, and an organisation's id: also the API document's {@code pattern}. */
    public static final String NAME_PATTERN = "^[a-z0-9-]{1,63}$";

    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private static final Pattern ORG = Pattern.compile(NAME_PATTERN);

    private final ProjectRepository projects;
    private final HostRegistry hosts;
    private final DatabaseProvisioner provisioner;
    private final ProjectLocks locks;
    private final ProjectEvents events;
    private final SecretBox secrets;
    private final ProjectsConfig config;
    private final QuotaLock quotaLock;

    public ProjectService(
            ProjectRepository projects,
            HostRegistry hosts,
            DatabaseProvisioner provisioner,
            ProjectLocks locks,
            ProjectEvents events,
            SecretBox secrets,
            ProjectsConfig config,
            QuotaLock quotaLock) {
        this.quotaLock = quotaLock;
        this.projects = projects;
        this.hosts = hosts;
        this.provisioner = provisioner;
        this.locks = locks;
        this.events = events;
        this.secrets = secrets;
        this.config = config;
    }

    /** What a create request resolved to once validated. */
    public record NewProject(String orgId, String name, Region region, String planId, ProjectsConfig.Plan plan) {}

    public NewProject validate(Principal caller, String name, String regionId, String planId, String orgId) {
        String region = regionId == null ? config.defaultRegion() : regionId;
        String plan = planId == null ? config.defaultPlan() : planId;
        String org = orgId != null
                ? orgId
                : caller.orgs().size() == 1 ? caller.orgs().keySet().iterator().next() : null;
        Validation.start()
                .check(
                        name != null && NAME.matcher(name).matches(),
                        "name",
                        "must be 1-63 characters of lower-case letters, digits and '-'")
                .check(
                        org != null,
                        "org_id",
                        caller.orgs().isEmpty()
                                ? "you are not a member of any organisation"
                                : "you belong to several organisations: say which one")
                .check(org == null || ORG.matcher(org).matches(), "org_id", "is not an organisation id")
                .orThrow();
        if (caller.roleIn(org).isEmpty()) {
            // Not revealing whether the org exists.
            throw ApiException.invalid("org_id", "you are not a member of organisation " + org);
        }
        Region r = hosts.region(region)
                .orElseThrow(() -> new ApiException(
                        422, "unknown_region", "region '" + region + "' does not exist; see GET /v1/regions"));
        ProjectsConfig.Plan p = config.plans().get(plan);
        if (p == null) {
            throw new ApiException(422, "unknown_plan", "plan '" + plan + "' does not exist; see GET /v1/plans");
        }
        if (projects.nameTaken(org, name)) {
            throw ApiException.conflict("name_taken", "organisation " + org + " already has a project named " + name);
        }
        // Checked here so a full organisation costs no provisioning; checked again, under the lock, when recorded.
        requireRoomForProject(org);
        return new NewProject(org, name, r, plan, p);
    }

    public Project create(Principal caller, NewProject spec) {
        DatabaseHost host = leastLoadedHost(spec.region());
        UUID id = UUID.randomUUID();
        String dbName = "prj_" + id.toString().replace("-", "");
        String password = Passwords.generate();
        try {
            provisioner.create(host, dbName, dbName, password);
        } catch (SQLException e) {
            LOG.errorf(e, "provisioning project %s on %s failed", id, host.id());
            throw new ApiException(
                    503,
                    "host_unavailable",
                    "the database host could not create the database; " + "nothing was created, try again");
        }
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                quotaLock.hold("org-projects:" + spec.orgId());
                requireRoomForProject(spec.orgId());
                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                Project p = new Project();
                p.id = id;
                p.orgId = spec.orgId();
                p.name = spec.name();
                p.region = spec.region().id();
                p.plan = spec.planId();
                p.storageLimitBytes = spec.plan().storageLimitMib() * 1024 * 1024;
                p.hostId = host.id();
                p.databaseName = dbName;
                p.roleName = dbName;
                p.passwordSealed = secrets.seal(password, Project.PASSWORD.aad(id));
                p.status = ProjectStatus.ACTIVE;
                p.version = 1;
                p.createdBy = caller.subject();
                p.createdAt = now;
                p.updatedAt = now;
                projects.persistAndFlush(p);
                events.announce(EventType.PROJECT_CREATED, p, spec.region().pitrAvailable());
                return p;
            });
        } catch (RuntimeException e) {
            undoProvisioning(host, dbName);
            if (UniqueViolation.in(e)) {
                throw ApiException.conflict(
                        "name_taken", "organisation " + spec.orgId() + " already has a project named " + spec.name());
            }
            throw e;
        }
    }

    /** How many live projects the organisation has, of how many it may have. */
    public Quota projectQuota(String orgId) {
        return new Quota(config.maxPerOrg(), projects.liveInOrg(orgId));
    }

    private void requireRoomForProject(String orgId) {
        projectQuota(orgId)
                .requireRoomFor(
                        "organisation " + orgId + " has reached its project limit",
                        "GET /v1/orgs/" + orgId + "/limits");
    }

    /** Drops the database and role under the exclusive project lock, then records the deletion and its event. */
    public void delete(UUID projectId) {
        Project p = projects.findLive(projectId).orElseThrow(() -> ApiException.notFound("project " + projectId));
        if (p.status != ProjectStatus.ACTIVE) {
            throw ApiException.projectBusy("project is " + p.status.wire() + "; wait for that to finish");
        }
        DatabaseHost host = hosts.host(p.hostId);
        try (var lock = locks.acquire(host, p.id, LockMode.EXCLUSIVE)) {
            provisioner.drop(host, p.databaseName, p.roleName);
        } catch (ProjectBusyException e) {
            throw ApiException.projectBusy("another operation is running on this project");
        } catch (SQLException e) {
            LOG.errorf(e, "dropping project %s on %s failed", p.id, host.id());
            throw new ApiException(
                    503,
                    "host_unavailable",
                    "the database host could not drop the database; " + "the project is unchanged, try again");
        }
        QuarkusTransaction.requiringNew().run(() -> {
            Project row = projects.findById(projectId);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            row.status = row.status.moveTo(ProjectStatus.DELETED);
            row.deletedAt = now;
            row.updatedAt = now;
            row.version++;
            events.announce(EventType.PROJECT_DELETED, row, pitrAvailable(row));
        });
    }

    /**
     * Moves a live project to {@code target} and announces it (in the caller's transaction). Statuses other
     * services report are applied only along legal transitions; anything else is logged and ignored.
     */
    public void changeStatus(UUID projectId, ProjectStatus target) {
        Project p = projects.findLive(projectId).orElse(null);
        if (p == null || p.status == target) {
            return;
        }
        if (!p.status.next().contains(target)) {
            LOG.warnf("project %s is %s; ignoring a move to %s", projectId, p.status, target);
            return;
        }
        p.status = target;
        p.version++;
        p.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        events.announce(EventType.PROJECT_UPDATED, p, pitrAvailable(p));
    }

    /** Moves the project to {@code target} only while it is {@code from}, so one operation never ends another's. */
    public void changeStatus(UUID projectId, ProjectStatus from, ProjectStatus target) {
        Project p = projects.findLive(projectId).orElse(null);
        if (p != null && p.status == from) {
            changeStatus(projectId, target);
        }
    }

    public Page<Project> list(Principal caller, String cursor, Integer limit) {
        int size = Cursor.limit(limit);
        Cursor after = Cursor.decode(cursor);
        if (caller.orgs().isEmpty()) {
            return new Page<>(List.of(), null);
        }
        List<Project> rows = projects.page(
                caller.orgs().keySet(), after == null ? null : after.at(), after == null ? null : after.id(), size + 1);
        return Page.of(rows, size, p -> new Cursor(p.createdAt, p.id));
    }

    public String password(Project p) {
        return secrets.open(p.passwordSealed, Project.PASSWORD.aad(p.id));
    }

    public boolean pitrAvailable(Project p) {
        return hosts.region(p.region).map(Region::pitrAvailable).orElse(false);
    }

    public List<Region> regions() {
        return hosts.regions();
    }

    public Map<String, ProjectsConfig.Plan> plans() {
        return config.plans();
    }

    private DatabaseHost leastLoadedHost(Region region) {
        return region.hostIds().stream()
                .map(hosts::host)
                .min(Comparator.comparingLong((DatabaseHost h) -> projects.liveOnHost(h.id()))
                        .thenComparing(DatabaseHost::id))
                .orElseThrow(() -> new ApiException(503, "no_capacity", "region " + region.id() + " has no hosts"));
    }

    private void undoProvisioning(DatabaseHost host, String dbName) {
        try {
            provisioner.drop(host, dbName, dbName);
        } catch (SQLException e) {
            LOG.errorf(e, "could not undo provisioning of %s on %s; drop it by hand", dbName, host.id());
        }
    }
}
