package dev.capydb.project.service;

import dev.capydb.chassis.crypto.SecretBox;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.errors.UniqueViolation;
import dev.capydb.chassis.errors.Validation;
import dev.capydb.chassis.outbox.PublishedEvent;
import dev.capydb.chassis.outbox.ReactiveTransactions;
import dev.capydb.chassis.outbox.ReactiveTransactions.Committed;
import dev.capydb.chassis.paging.Cursor;
import dev.capydb.chassis.paging.Page;
import dev.capydb.chassis.quota.Quota;
import dev.capydb.chassis.quota.QuotaLock;
import dev.capydb.chassis.security.Principal;
import dev.capydb.chassis.threading.BlockingWork;
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
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
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
    private final ReactiveTransactions transactions;
    private final BlockingWork blocking;

    public ProjectService(
            ProjectRepository projects,
            HostRegistry hosts,
            DatabaseProvisioner provisioner,
            ProjectLocks locks,
            ProjectEvents events,
            SecretBox secrets,
            ProjectsConfig config,
            QuotaLock quotaLock,
            ReactiveTransactions transactions,
            BlockingWork blocking) {
        this.quotaLock = quotaLock;
        this.transactions = transactions;
        this.blocking = blocking;
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

    /** Checks a create request; refusals are failures carrying the API error. Reads in a session of its own. */
    public Uni<NewProject> validate(Principal caller, String name, String regionId, String planId, String orgId) {
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
        return Panache.withSession(() -> projects.nameTaken(org, name)
                .invoke(taken -> {
                    if (taken) {
                        throw ApiException.conflict(
                                "name_taken", "organisation " + org + " already has a project named " + name);
                    }
                })
                // Checked here so a full organisation costs no provisioning; checked again, under the lock, when
                // recorded.
                .chain(() -> requireRoomForProject(org))
                .replaceWith(new NewProject(org, name, r, plan, p)));
    }

    /**
     * Creates the database and role on the least loaded host of the region (blocking pool), then records the project
     * and its event in one transaction; the database is dropped again if that fails.
     */
    public Uni<Project> create(Principal caller, NewProject spec) {
        UUID id = UUID.randomUUID();
        String dbName = "prj_" + id.toString().replace("-", "");
        String password = Passwords.generate();
        return leastLoadedHost(spec.region())
                .chain(host -> blocking.call(() -> provision(host, id, dbName, password))
                        .chain(() -> transactions
                                .run(() -> record(caller, spec, host, id, dbName, password))
                                .onFailure()
                                .call(e -> blocking.call(() -> undoProvisioning(host, dbName)))
                                .onFailure(UniqueViolation::in)
                                .transform(e -> ApiException.conflict(
                                        "name_taken",
                                        "organisation " + spec.orgId() + " already has a project named "
                                                + spec.name()))));
    }

    private Void provision(DatabaseHost host, UUID id, String dbName, String password) {
        try {
            provisioner.create(host, dbName, dbName, password);
            return null;
        } catch (SQLException e) {
            LOG.errorf(e, "provisioning project %s on %s failed", id, host.id());
            throw new ApiException(
                    503,
                    "host_unavailable",
                    "the database host could not create the database; " + "nothing was created, try again");
        }
    }

    private Uni<Project> record(
            Principal caller, NewProject spec, DatabaseHost host, UUID id, String dbName, String password) {
        return quotaLock
                .holdReactive("org-projects:" + spec.orgId())
                .chain(() -> requireRoomForProject(spec.orgId()))
                .chain(() -> {
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
                    return projects.persistAndFlush(p)
                            .chain(() -> events.announce(
                                    EventType.PROJECT_CREATED, p, spec.region().pitrAvailable()))
                            .replaceWith(p);
                });
    }

    /** How many live projects the organisation has, of how many it may have. In the caller's session. */
    public Uni<Quota> projectQuota(String orgId) {
        return projects.liveInOrg(orgId).map(live -> new Quota(config.maxPerOrg(), live));
    }

    private Uni<Void> requireRoomForProject(String orgId) {
        return projectQuota(orgId)
                .invoke(q -> q.requireRoomFor(
                        "organisation " + orgId + " has reached its project limit",
                        "GET /v1/orgs/" + orgId + "/limits"))
                .replaceWithVoid();
    }

    /**
     * Drops the database and role under the exclusive project lock (blocking pool), then records the deletion and its
     * event; completes with where the event landed, for a caller that waits for its consumers.
     */
    public Uni<List<PublishedEvent>> delete(UUID projectId) {
        return Panache.withSession(() -> projects.findLive(projectId))
                .map(found -> found.orElseThrow(() -> ApiException.notFound("project " + projectId)))
                .invoke(p -> {
                    if (p.status != ProjectStatus.ACTIVE) {
                        throw ApiException.projectBusy("project is " + p.status.wire() + "; wait for that to finish");
                    }
                })
                .chain(p -> blocking.call(() -> drop(p)))
                .chain(() -> transactions.runPublished(() -> projects.findById(projectId)
                        .chain(row -> {
                            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                            row.status = row.status.moveTo(ProjectStatus.DELETED);
                            row.deletedAt = now;
                            row.updatedAt = now;
                            row.version++;
                            return events.announce(EventType.PROJECT_DELETED, row, pitrAvailable(row));
                        })))
                .map(Committed::published);
    }

    private Void drop(Project p) {
        DatabaseHost host = hosts.host(p.hostId);
        try (var lock = locks.acquire(host, p.id, LockMode.EXCLUSIVE)) {
            provisioner.drop(host, p.databaseName, p.roleName);
            return null;
        } catch (ProjectBusyException e) {
            throw ApiException.projectBusy("another operation is running on this project");
        } catch (SQLException e) {
            LOG.errorf(e, "dropping project %s on %s failed", p.id, host.id());
            throw new ApiException(
                    503,
                    "host_unavailable",
                    "the database host could not drop the database; " + "the project is unchanged, try again");
        }
    }

    /**
     * Moves a live project to {@code target} and announces it, in the caller's reactive transaction. Statuses other
     * services report are applied only along legal transitions; anything else is logged and ignored.
     */
    public Uni<Void> changeStatus(UUID projectId, ProjectStatus target) {
        return changeStatusIf(projectId, null, target);
    }

    /** Moves the project to {@code target} only while it is {@code from}, so one operation never ends another's. */
    public Uni<Void> changeStatus(UUID projectId, ProjectStatus from, ProjectStatus target) {
        return changeStatusIf(projectId, from, target);
    }

    private Uni<Void> changeStatusIf(UUID projectId, ProjectStatus from, ProjectStatus target) {
        return projects.findLive(projectId).chain(found -> {
            Project p = found.orElse(null);
            if (p == null || p.status == target || (from != null && p.status != from)) {
                return Uni.createFrom().voidItem();
            }
            if (!p.status.next().contains(target)) {
                LOG.warnf("project %s is %s; ignoring a move to %s", projectId, p.status, target);
                return Uni.createFrom().voidItem();
            }
            p.status = target;
            p.version++;
            p.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return events.announce(EventType.PROJECT_UPDATED, p, pitrAvailable(p));
        });
    }

    public Uni<Page<Project>> list(Principal caller, String cursor, Integer limit) {
        int size = Cursor.limit(limit);
        Cursor after = Cursor.decode(cursor);
        if (caller.orgs().isEmpty()) {
            return Uni.createFrom().item(new Page<>(List.of(), null));
        }
        return Panache.withSession(() -> projects.page(
                        caller.orgs().keySet(),
                        after == null ? null : after.at(),
                        after == null ? null : after.id(),
                        size + 1))
                .map(rows -> Page.of(rows, size, p -> new Cursor(p.createdAt, p.id)));
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

    private Uni<DatabaseHost> leastLoadedHost(Region region) {
        List<DatabaseHost> candidates =
                region.hostIds().stream().map(hosts::host).toList();
        if (candidates.isEmpty()) {
            return Uni.createFrom()
                    .failure(new ApiException(503, "no_capacity", "region " + region.id() + " has no hosts"));
        }
        record Load(DatabaseHost host, long projects) {}
        return Panache.withSession(() -> Multi.createFrom()
                        .iterable(candidates)
                        .onItem()
                        .transformToUniAndConcatenate(
                                h -> projects.liveOnHost(h.id()).map(n -> new Load(h, n)))
                        .collect()
                        .asList())
                .map(loads -> loads.stream()
                        .min(Comparator.comparingLong(Load::projects)
                                .thenComparing(l -> l.host().id()))
                        .orElseThrow()
                        .host());
    }

    private Void undoProvisioning(DatabaseHost host, String dbName) {
        try {
            provisioner.drop(host, dbName, dbName);
        } catch (SQLException e) {
            LOG.errorf(e, "could not undo provisioning of %s on %s; drop it by hand", dbName, host.id());
        }
        return null;
    }
}
