package dev.capydb.cli.commands;

import dev.capydb.cli.Context;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The root {@code capydb} command: holds the process context and lists the command groups. */
@Command(
        name = "capydb",
        mixinStandardHelpOptions = true,
        version = "capydb 0.1.0",
        description = "CapyDB data lifecycle: backups, restores, previews, imports, cutovers, webhooks.",
        subcommands = {
            LoginCommand.class, LogoutCommand.class, ProjectsCommand.class, BackupsCommand.class,
            RestorePointsCommand.class, RestoreCommand.class, PreviewsCommand.class, ImportCommand.class,
            ImportCommand.Preflight.class, CutoversCommand.class, WebhooksCommand.class, IntegrationsCommand.class,
            AuditCommand.class, HelpCommand.class
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
            "  CAPYDB_API_URL     API base URL (default http://127.0.0.1:8080)",
            "  CAPYDB_PROJECT     project id or name when --project is not given",
            "  CAPYDB_TOKEN       bearer token instead of the cached login",
            "  CAPYDB_AUTH_URL    OIDC issuer for login",
            "                     (default http://127.0.0.1:18080/realms/capydb)",
            "  CAPYDB_CONFIG_DIR  where the login is cached",
            "                     (default $XDG_CONFIG_HOME/capydb or ~/.config/capydb)",
            "",
            "Exit codes: 0 ok, 1 API error or failed job, 2 usage error."
        })
public final class CapydbCommand {

    private final Context context;

    public CapydbCommand(Context context) {
        this.context = context;
    }

    public Context context() {
        return context;
    }
}
