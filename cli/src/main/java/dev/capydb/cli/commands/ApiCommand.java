package dev.capydb.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capydb.cli.Context;
import dev.capydb.cli.api.Api;
import dev.capydb.cli.api.ApiException;
import dev.capydb.cli.api.Json;
import dev.capydb.cli.auth.TokenCache;
import dev.capydb.cli.auth.TokenSource;
import dev.capydb.cli.output.Table;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import picocli.CommandLine.Mixin;

/** A command that calls the API: token, base URL, the current project, and printing tables or JSON. */
public abstract class ApiCommand extends BaseCommand {

    // The SDK's ApiException stays qualified: the CLI's own dev.capydb.cli.api.ApiException is imported.
    /** One page of a list endpoint, by cursor and limit (both may be null). */
    @FunctionalInterface
    protected interface Pager {
        Object page(String cursor, Integer limit) throws dev.capydb.sdk.ApiException;
    }

    @Mixin
    protected Globals globals;

    private Api api;
    private UUID projectId;

    protected Api api() {
        if (api == null) {
            String url = globals.apiUrl != null ? globals.apiUrl : ctx().env("CAPYDB_API_URL", Context.DEFAULT_API_URL);
            TokenSource tokens = new TokenSource(
                    ctx().env().get("CAPYDB_TOKEN"), new TokenCache(ctx().configDir()), http(), BaseCommand::now);
            api = new Api(url, httpClient(), tokens);
        }
        return api;
    }

    /** Calls the API and answers with the JSON it sent. */
    private JsonNode fetch(Api.Call<?> call) {
        return api().tree(api().call(call));
    }

    /**
     * POSTs that start a job carry a fresh key, so a retried request cannot start a second job: made once per command,
     * outside the call, so the retry after a 401 sends the same one.
     */
    protected static String idempotencyKey() {
        return UUID.randomUUID().toString();
    }

    protected boolean json() {
        return globals.json;
    }

    protected boolean colour() {
        return ctx().colour(ctx().stdoutTty());
    }

    /** {@code --project}, else {@code CAPYDB_PROJECT}; a name is looked up among the caller's projects. */
    protected UUID projectId() {
        if (projectId == null) {
            String p = globals.project != null ? globals.project : ctx().env("CAPYDB_PROJECT", null);
            if (p == null) {
                throw usage("no project: pass --project ID or set CAPYDB_PROJECT");
            }
            projectId = Ids.isUuid(p)
                    ? UUID.fromString(p)
                    : idOf(api().projects()::listProjects, "name", p)
                            .orElseThrow(() -> ApiException.local("not_found", "no project named '" + p + "'"));
        }
        return projectId;
    }

    /** The id of the first item of a list whose {@code field} is {@code value}: names and labels to ids. */
    protected Optional<UUID> idOf(Pager pager, String field, String value) {
        for (JsonNode item : all(pager)) {
            if (value.equals(Json.text(item, field))) {
                return Optional.of(UUID.fromString(Json.text(item, "id")));
            }
        }
        return Optional.empty();
    }

    /** Every item of a paginated list. */
    protected ArrayNode all(Pager pager) {
        ArrayNode items = Json.mapper().createArrayNode();
        String cursor = null;
        do {
            JsonNode page = page(pager, cursor, 100);
            page.path("items").forEach(items::add);
            cursor = Json.text(page, "next_cursor");
        } while (cursor != null);
        return items;
    }

    private JsonNode page(Pager pager, String cursor, Integer limit) {
        return fetch(() -> pager.page(cursor, limit));
    }

    /** One resource (an SDK model, or its JSON): the JSON, or {@code field: value} lines. */
    protected void show(Object resource) {
        JsonNode node = resource instanceof JsonNode n ? n : api().tree(resource);
        out().print(json() ? Json.write(node) + "\n" : Table.vertical(node, colour()));
        out().flush();
    }

    /** A list endpoint as a table (or its JSON), one page unless {@code --all}; says on stderr when more exist. */
    protected void list(Pager pager, Paging paging, List<Table.Column> columns) {
        JsonNode page;
        if (paging.all) {
            ObjectNode merged = Json.mapper().createObjectNode();
            merged.set("items", all(pager));
            page = merged;
        } else {
            page = page(pager, paging.cursor, paging.limit);
        }
        if (json()) {
            out().println(Json.write(page));
        } else {
            JsonNode items = page.isArray() ? page : page.path("items");
            if (items.isEmpty()) {
                err().println("(none)");
            } else {
                out().print(Table.render(columns, items, colour()));
            }
            String next = Json.text(page, "next_cursor");
            if (next != null) {
                err().println("More: add --cursor " + next + " (or --all).");
            }
        }
        out().flush();
    }

    /**
     * With {@code --wait}: polls the job (an SDK model) with {@code get} (its id to the GET call) until it ends;
     * {@code getCommand} + id is what the user can run later. Without: the resource as it is.
     */
    protected JsonNode awaitIf(
            boolean await, String noun, Function<UUID, Api.Call<?>> get, String getCommand, Object job)
            throws InterruptedException {
        JsonNode node = api().tree(job);
        if (!await) {
            return node;
        }
        String jobId = Json.text(node, "id");
        Api.Call<?> poll = get.apply(UUID.fromString(jobId));
        return new Jobs(ctx(), json()).await(noun, () -> fetch(poll), node, getCommand + " " + jobId);
    }
}
