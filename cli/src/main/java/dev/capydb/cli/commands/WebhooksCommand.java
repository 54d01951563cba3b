package dev.capydb.cli.commands;

import dev.capydb.cli.output.Table.Column;
import dev.capydb.sdk.model.CreateWebhook;
import dev.capydb.sdk.model.DeliveryBody;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code capydb webhooks …}: signed event deliveries to your endpoints. */
@Command(
        name = "webhooks",
        mixinStandardHelpOptions = true,
        description = "Webhook endpoints and their deliveries.",
        subcommands = {
            WebhooksCommand.Create.class,
            WebhooksCommand.ListCmd.class,
            WebhooksCommand.Get.class,
            WebhooksCommand.Delete.class,
            WebhooksCommand.Deliveries.class,
            WebhooksCommand.Test.class,
            WebhooksCommand.Redeliver.class
        })
public final class WebhooksCommand {

    static final List<Column> COLUMNS = List.of(
            Column.of("id", "id"),
            Column.of("url", "url"),
            Column.of("events", "event_types"),
            Column.of("status", "status"),
            Column.of("created", "created_at"));

    static final List<Column> DELIVERIES = List.of(
            Column.of("id", "id"),
            Column.of("event_type", "event_type"),
            Column.of("status", "status"),
            Column.of("delivered", "delivered_at"),
            Column.of("next_attempt", "next_attempt_at"),
            Column.of("created", "created_at"));

    /** Commands about one endpoint. */
    abstract static class OneWebhook extends ApiCommand {
        @Parameters(index = "0", paramLabel = "WEBHOOK_ID")
        UUID webhookId;
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Add an endpoint; prints its signing secret (whsec_…) once.")
    static final class Create extends ApiCommand {
        @Option(names = "--url", required = true, description = "https URL that receives the events.")
        String url;

        @Option(names = "--description")
        String description;

        @Option(
                names = "--event-type",
                paramLabel = "TYPE",
                split = ",",
                description = "Event types to send (repeat or comma-separate; default: all).")
        List<String> eventTypes;

        @Override
        protected int run() {
            UUID p = projectId();
            // Set even when null: the model starts with an empty list, which would send "event_types": [].
            CreateWebhook hook =
                    new CreateWebhook().url(url).description(description).eventTypes(eventTypes);
            show(api().call(() -> api().webhooks().createWebhook(p, hook)));
            if (!json()) {
                err().println("Store the signing secret now: it is not shown again.");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List endpoints.")
    static final class ListCmd extends ApiCommand {
        @Mixin
        Paging paging;

        @Override
        protected int run() {
            UUID p = projectId();
            list((cursor, limit) -> api().webhooks().listWebhooks(p, cursor, limit), paging, COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show an endpoint.")
    static final class Get extends OneWebhook {
        @Override
        protected int run() {
            UUID p = projectId();
            show(api().call(() -> api().webhooks().getWebhook(p, webhookId)));
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove an endpoint.")
    static final class Delete extends OneWebhook {
        @Override
        protected int run() {
            UUID p = projectId();
            api().run(() -> api().webhooks().deleteWebhook(p, webhookId));
            err().println("Deleted webhook " + webhookId + ".");
            return 0;
        }
    }

    @Command(
            name = "deliveries",
            mixinStandardHelpOptions = true,
            description = "An endpoint's deliveries, newest first.")
    static final class Deliveries extends OneWebhook {
        @Option(names = "--status", description = "pending, delivered, failed, exhausted…")
        String status;

        @Mixin
        Paging paging;

        @Override
        protected int run() {
            UUID p = projectId();
            list(
                    (cursor, limit) -> api().webhooks().listWebhookDeliveries(p, webhookId, cursor, limit, status),
                    paging,
                    DELIVERIES);
            return 0;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true, description = "Send a test event to an endpoint.")
    static final class Test extends OneWebhook {
        @Override
        protected int run() {
            UUID p = projectId();
            DeliveryBody r = api().call(() -> api().webhooks().sendTestWebhook(p, webhookId));
            if (r != null) {
                show(r);
            } else {
                err().println("Test event queued for " + webhookId + ".");
            }
            return 0;
        }
    }

    @Command(name = "redeliver", mixinStandardHelpOptions = true, description = "Send a delivery again.")
    static final class Redeliver extends ApiCommand {
        @Parameters(index = "0", paramLabel = "DELIVERY_ID")
        UUID deliveryId;

        @Override
        protected int run() {
            UUID p = projectId();
            DeliveryBody r = api().call(() -> api().webhooks().redeliverWebhookDelivery(p, deliveryId));
            if (r != null) {
                show(r);
            } else {
                err().println("Redelivery queued for " + deliveryId + ".");
            }
            return 0;
        }
    }
}
