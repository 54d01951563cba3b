package dev.capydb.cli.commands;

import dev.capydb.cli.output.Table.Column;
import dev.capydb.sdk.model.CreateCutover;
import dev.capydb.sdk.model.CutoverBody;
import dev.capydb.sdk.model.Reason;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code capydb cutovers …}: customers request promoting a preview to production; operators ack, reject and
 * execute (operator commands need the realm role {@code operator} and no project).
 */
@Command(
        name = "cutovers",
        mixinStandardHelpOptions = true,
        description = {
            "Cutover requests: promote a preview to production, operator-reviewed.",
            "Operators: cutovers list --operator, ack, reject, execute."
        },
        subcommands = {
            CutoversCommand.Request.class,
            CutoversCommand.ListCmd.class,
            CutoversCommand.Get.class,
            CutoversCommand.Cancel.class,
            CutoversCommand.Ack.class,
            CutoversCommand.Reject.class,
            CutoversCommand.Execute.class
        })
public final class CutoversCommand {

    static final List<Column> COLUMNS = List.of(
            Column.of("id", "id"),
            Column.of("project_id", "project_id"),
            Column.of("preview_id", "preview_id"),
            Column.of("status", "status"),
            Column.of("ticket", "external_ticket_ref"),
            Column.of("created", "created_at"));

    /** Commands about one request. */
    abstract static class OneRequest extends ApiCommand {
        @Parameters(index = "0", paramLabel = "REQUEST_ID")
        UUID requestId;
    }

    @Command(name = "request", mixinStandardHelpOptions = true, description = "Ask to promote a preview to production.")
    static final class Request extends ApiCommand {
        @Option(
                names = "--preview",
                required = true,
                paramLabel = "PREVIEW_ID",
                description = "The preview to promote.")
        UUID previewId;

        @Option(names = "--note", description = "A note for the operator.")
        String note;

        @Option(names = "--ticket", paramLabel = "REF", description = "Your ticket reference.")
        String ticket;

        @Override
        protected int run() {
            UUID p = projectId();
            CreateCutover request =
                    new CreateCutover().previewId(previewId).customerNote(note).externalTicketRef(ticket);
            show(api().call(() -> api().cutovers().createCutoverRequest(p, request)));
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the project's requests (or every project's, with --operator).")
    static final class ListCmd extends ApiCommand {
        @Option(names = "--status", description = "open, acked, rejected, cancelled, in_progress, completed, failed.")
        String status;

        @Option(names = "--operator", description = "All projects (operators).")
        boolean operator;

        @Mixin
        Paging paging;

        @Override
        protected int run() {
            if (operator) {
                list(
                        (cursor, limit) -> api().cutovers().listOperatorCutoverRequests(cursor, limit, status),
                        paging,
                        COLUMNS);
            } else {
                UUID p = projectId();
                list(
                        (cursor, limit) -> api().cutovers().listCutoverRequests(p, cursor, limit, status),
                        paging,
                        COLUMNS);
            }
            return 0;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a request.")
    static final class Get extends OneRequest {
        @Option(names = "--operator", description = "Through the operator API (no project needed).")
        boolean operator;

        @Override
        protected int run() {
            if (operator) {
                show(api().call(() -> api().cutovers().getOperatorCutoverRequest(requestId)));
            } else {
                UUID p = projectId();
                show(api().call(() -> api().cutovers().getCutoverRequest(p, requestId)));
            }
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Withdraw an open or acked request.")
    static final class Cancel extends OneRequest {
        @Override
        protected int run() {
            UUID p = projectId();
            show(api().call(() -> api().cutovers().cancelCutoverRequest(p, requestId)));
            return 0;
        }
    }

    @Command(name = "ack", mixinStandardHelpOptions = true, description = "Operator: accept a request.")
    static final class Ack extends OneRequest {
        @Override
        protected int run() {
            show(api().call(() -> api().cutovers().ackCutoverRequest(requestId)));
            return 0;
        }
    }

    @Command(name = "reject", mixinStandardHelpOptions = true, description = "Operator: reject a request.")
    static final class Reject extends OneRequest {
        @Option(names = "--reason", required = true, description = "Shown to the customer.")
        String reason;

        @Override
        protected int run() {
            Reason why = new Reason().reason(reason);
            show(api().call(() -> api().cutovers().rejectCutoverRequest(requestId, why)));
            return 0;
        }
    }

    @Command(
            name = "execute",
            mixinStandardHelpOptions = true,
            description = "Operator: run an acked cutover (pre-cutover backup, verification, promotion).")
    static final class Execute extends OneRequest {
        @Option(names = "--wait", description = "Wait until it completes or fails.")
        boolean await;

        @Override
        protected int run() throws InterruptedException {
            String key = idempotencyKey();
            CutoverBody r = api().call(() -> api().cutovers().executeCutoverRequest(requestId, key));
            show(awaitIf(
                    await,
                    "cutover",
                    id -> () -> api().cutovers().getOperatorCutoverRequest(id),
                    "capydb cutovers get --operator",
                    r));
            return 0;
        }
    }
}
