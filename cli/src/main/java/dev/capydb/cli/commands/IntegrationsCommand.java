package dev.capydb.cli.commands;

import dev.capydb.cli.output.Table.Column;
import dev.capydb.sdk.model.CreateIntegration;
import dev.capydb.sdk.model.CreateIntegration.ProviderEnum;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capydb integrations …}: Vercel/Netlify projects whose DATABASE_URL env vars CapyDB keeps current. */
@Command(
        name = "integrations",
        mixinStandardHelpOptions = true,
        description = "Deployment integrations (Vercel, Netlify) that get DATABASE_URL re-pushed.",
        subcommands = {
            IntegrationsCommand.Add.class,
            IntegrationsCommand.ListCmd.class,
            IntegrationsCommand.Remove.class
        })
public final class IntegrationsCommand {

    static final List<Column> COLUMNS = List.of(
            Column.of("id", "id"),
            Column.of("provider", "provider"),
            new Column(
                    "target",
                    i -> i.hasNonNull("vercel_project_id")
                            ? i.get("vercel_project_id").asText()
                            : i.hasNonNull("site_id") ? i.get("site_id").asText() : null),
            Column.of("last_sync", "last_sync.status"),
            Column.of("synced_at", "last_sync.at"),
            Column.of("created", "created_at"));

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Connect a Vercel or Netlify project.")
    static final class Add extends ApiCommand {
        @Option(
                names = "--provider",
                required = true,
                paramLabel = "vercel|netlify",
                description = "vercel or netlify.")
        String provider;

        @Option(
                names = "--access-token",
                required = true,
                paramLabel = "TOKEN",
                description = "The provider's API token (stored encrypted, never shown again).")
        String accessToken;

        @Option(names = "--vercel-project-id", paramLabel = "ID", description = "Vercel: the project id.")
        String vercelProject;

        @Option(names = "--team-id", description = "Vercel: the team id.")
        String teamId;

        @Option(names = "--target", split = ",", description = "Vercel: production, preview, development.")
        List<String> targets;

        @Option(names = "--account-id", description = "Netlify: the account id.")
        String accountId;

        @Option(names = "--site-id", description = "Netlify: the site id.")
        String siteId;

        @Override
        protected int run() {
            ProviderEnum providerKind = choice("--provider", provider, ProviderEnum::fromValue, ProviderEnum.values());
            UUID p = projectId();
            // targets is set even when null: the model starts with an empty list, which would send "targets": [].
            CreateIntegration integration = new CreateIntegration()
                    .provider(providerKind)
                    .accessToken(accessToken)
                    .projectId(vercelProject)
                    .teamId(teamId)
                    .targets(targets)
                    .accountId(accountId)
                    .siteId(siteId);
            show(api().call(() -> api().webhooks().createIntegration(p, integration)));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List integrations.")
    static final class ListCmd extends ApiCommand {
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            UUID p = projectId();
            list((cursor, limit) -> api().webhooks().listIntegrations(p, cursor, limit), paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Disconnect an integration.")
    static final class Remove extends ApiCommand {
        @Parameters(index = "0", paramLabel = "INTEGRATION_ID")
        UUID integrationId;

        @Override
        protected int run() {
            UUID p = projectId();
            api().run(() -> api().webhooks().deleteIntegration(p, integrationId));
            err().println("Removed integration " + integrationId + ".");
            return 0;
        }
    }
}
