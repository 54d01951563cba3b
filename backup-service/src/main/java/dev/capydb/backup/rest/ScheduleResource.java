package dev.capydb.backup.rest;

import dev.capydb.backup.rest.BackupDtos.ScheduleBody;
import dev.capydb.backup.rest.BackupDtos.ScheduleSettings;
import dev.capydb.backup.service.ScheduleService;
import dev.capydb.chassis.errors.ApiException;
import dev.capydb.chassis.openapi.Refusals;
import dev.capydb.chassis.readmodel.ProjectAccess;
import dev.capydb.chassis.readmodel.ProjectAction;
import dev.capydb.chassis.readmodel.ProjectView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code /v1/projects/{id}/scheduled-backups/default}: the daily backup schedule and its retention. */
@Path("/v1/projects/{projectId}/scheduled-backups")
@Produces(MediaType.APPLICATION_JSON)
public class ScheduleResource {

    private final ScheduleService schedules;
    private final ProjectAccess access;

    public ScheduleResource(ScheduleService schedules, ProjectAccess access) {
        this.schedules = schedules;
        this.access = access;
    }

    @Operation(
            operationId = "getBackupSchedule",
            summary = "Get the daily backup schedule",
            description = "The project's daily schedule (`default`): UTC hour and minute, whether it is "
                    + "active, the retention window and when it last ran and will next run.")
    @GET
    @Path("/{name}")
    @APIResponse(responseCode = "200")
    @APIResponse(
            responseCode = "404",
            description =
                    "`not_found`: no such project in an organization you belong to, or a schedule other than `default`")
    public ScheduleBody get(@PathParam("projectId") UUID projectId, @PathParam("name") String name) {
        access.authorize(projectId, ProjectAction.READ);
        requireDefault(name);
        return schedules
                .find(projectId)
                .map(ScheduleBody::of)
                .orElse(new ScheduleBody(
                        ScheduleService.DEFAULT_HOUR,
                        0,
                        false,
                        ScheduleService.DEFAULT_RETENTION_DAYS,
                        null,
                        null,
                        false));
    }

    /** Changing the schedule changes retention too: admins only. */
    @Operation(
            operationId = "putBackupSchedule",
            summary = "Set the daily backup schedule",
            description = "Sets the schedule's UTC hour (0–23) and minute (0–59), its active flag and its "
                    + "retention window (1–365 days). Backups older than the window are cleaned up "
                    + "automatically (object and row), except those pinned by a restore point and the "
                    + "newest successful one.")
    @PUT
    @Path("/{name}")
    @APIResponse(responseCode = "200")
    @APIResponse(responseCode = "403", description = Refusals.ADMIN_ONLY)
    @APIResponse(
            responseCode = "404",
            description =
                    "`not_found`: no such project in an organization you belong to, or a schedule other than `default`")
    @APIResponse(
            responseCode = "422",
            description = "`validation_failed`: hour, minute, active or retention_days" + "; " + Refusals.UNKNOWN_FIELD)
    public ScheduleBody put(
            @PathParam("projectId") UUID projectId, @PathParam("name") String name, ScheduleSettings body) {
        ProjectView project = access.authorize(projectId, ProjectAction.DESTROY);
        requireDefault(name);
        ScheduleSettings s = body == null ? new ScheduleSettings(null, null, null, null) : body;
        return ScheduleBody.of(schedules.put(
                project, new ScheduleService.Settings(s.hour(), s.minute(), s.active(), s.retentionDays())));
    }

    private static void requireDefault(String name) {
        if (!"default".equals(name)) {
            throw ApiException.notFound("schedule '" + name + "' (each project has one schedule, 'default')");
        }
    }
}
