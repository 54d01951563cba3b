package dev.capydb.cli.commands;

import dev.capydb.cli.output.Table.Column;
import dev.capydb.sdk.model.CreateProject;
import dev.capydb.sdk.model.ProjectBody;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capydb projects …}: a project is a database, role and password on a host in a region. */
@Command(
        name = "projects",
        mixinStandardHelpOptions = true,
        description = "Create, list, show and delete projects.",
        subcommands = {
            ProjectsCommand.Create.class,
            ProjectsCommand.ListCmd.class,
            ProjectsCommand.Get.class,
            ProjectsCommand.Connection.class,
            ProjectsCommand.Delete.class
        })
public final class ProjectsCommand {

    static final List<Column> COLUMNS = List.of(
            Column.of("id", "id"),
            Column.of("name", "name"),
            Column.of("region", "region"),
            Column.of("plan", "plan"),
            Column.of("status", "status"),
            Column.of("created", "created_at"));

    /** A positional id or name, else the current project. */
    abstract static class OneProject extends ApiCommand {
        @Parameters(
                index = "0",
                arity = "0..1",
                paramLabel = "PROJECT",
                description = "Id or name (default: --project).")
        String project;

        UUID target() {
            if (project != null) {
                globals.project = project;
            }
            return projectId();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a project.")
    static final class Create extends ApiCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "Project name (unique in the org).")
        String name;

        @Option(names = "--region", description = "Region id (see GET /v1/regions).")
        String region;

        @Option(names = "--plan", description = "Plan id (see GET /v1/plans).")
        String plan;

        @Option(names = "--org", paramLabel = "ORG", description = "Org id, when you belong to more than one.")
        String org;

        @Override
        protected int run() {
            ProjectBody p = api().call(() -> api().projects()
                    .createProject(new CreateProject()
                            .name(name)
                            .region(region)
                            .plan(plan)
                            .orgId(org)));
            show(p);
            if (!json()) {
                err().println("Use it for the next commands:  export CAPYDB_PROJECT=" + p.getId());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List your projects.")
    static final class ListCmd extends ApiCommand {
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            list(api().projects()::listProjects, paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a project (password masked).")
    static final class Get extends OneProject {
        @Override
        protected int run() {
            UUID id = target();
            show(api().call(() -> api().projects().getProject(id)));
            return 0;
        }
    }

    @Command(
            name = "connection",
            mixinStandardHelpOptions = true,
            description = "Show the full connection strings (members only).")
    static final class Connection extends OneProject {
        @Override
        protected int run() {
            UUID id = target();
            show(api().call(() -> api().projects().getProjectConnection(id)));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a project and its database.")
    static final class Delete extends OneProject {
        @Option(names = "--yes", description = "Required: confirms that the database is dropped.")
        boolean yes;

        @Override
        protected int run() {
            if (!yes) {
                throw usage("deleting a project drops its database; add --yes to confirm");
            }
            UUID id = target();
            api().run(() -> api().projects().deleteProject(id));
            err().println("Deleted project " + id + ".");
            return 0;
        }
    }
}
