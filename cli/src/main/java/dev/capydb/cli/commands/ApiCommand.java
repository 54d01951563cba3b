package dev.capydb.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capydb.cli.Context;
import dev.capydb.cli.api.ApiClient;
import dev.capydb.cli.api.ApiException;
import dev.capydb.cli.api.Json;
import dev.capydb.cli.auth.TokenCache;
import dev.capydb.cli.auth.TokenSource;
import dev.capydb.cli.output.Table;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;

/** A command that calls the API: token, base URL, the current project, and printing tables or JSON. */
public abstract class ApiCommand extends BaseCommand {

    private static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @Mixin
    protected Globals globals;

    private ApiClient api;
    private String projectId;

    protected ApiClient api() {
        if (api == null) {
            String url = globals.apiUrl != null ? globals.apiUrl : ctx().env("CAPYDB_API_URL", Context.DEFAULT_API_URL);
            TokenSource tokens = new TokenSource(ctx().env().get("CAPYDB_TOKEN"), new TokenCache(ctx().configDir()),
                    http(), BaseCommand::now);
            api = new ApiClient(url, http(), tokens);
        }
        return api;
    }

    protected boolean json() {
        return globals.json;
    }

    protected boolean colour() {
        return ctx().colour(ctx().stdoutTty());
    }

    /** {@code --project}, else {@code CAPYDB_PROJECT}; a name is looked up among the caller's projects. */
    protected String projectId() {
        if (projectId == null) {
            String p = globals.project != null ? globals.project : ctx().env("CAPYDB_PROJECT", null);
            if (p == null) {
                throw usage("no project: pass --project ID or set CAPYDB_PROJECT");
            }
            projectId = isUuid(p) ? p : projectByName(p);
        }
        return projectId;
    }

    /** {@code /v1/projects/{id}} + suffix. */
    protected String projectPath(String suffix) {
        return "/v1/projects/" + projectId() + suffix;
    }

    protected static boolean isUuid(String s) {
        return s != null && UUID_SHAPE.matcher(s).matches();
    }

    protected static String id(String s) {
        return ApiClient.seg(s);
    }

    private String projectByName(String name) {
        for (JsonNode p : all("/v1/projects", new LinkedHashMap<>())) {
            if (name.equals(Json.text(p, "name"))) {
                return Json.text(p, "id");
            }
        }
        throw ApiException.local("not_found", "no project named '" + name + "'");
    }

    /** Every item of a paginated list. */
    protected ArrayNode all(String path, Map<String, Object> query) {
        ArrayNode items = Json.mapper().createArrayNode();
        String cursor = null;
        do {
            Map<String, Object> q = new LinkedHashMap<>(query);
            q.put("limit", 100);
            q.put("cursor", cursor);
            JsonNode page = api().get(path, q);
            page.path("items").forEach(items::add);
            cursor = Json.text(page, "next_cursor");
        } while (cursor != null);
        return items;
    }

    /** One resource: its JSON, or {@code field: value} lines. */
    protected void show(JsonNode node) {
        out().print(json() ? Json.write(node) + "\n" : Table.vertical(node, colour()));
        out().flush();
    }

    /** A list endpoint as a table (or its JSON), one page unless {@code --all}; says on stderr when more exist. */
    protected void list(String path, Map<String, Object> query, Paging paging, List<Table.Column> columns) {
        JsonNode page;
        if (paging.all) {
            ObjectNode merged = Json.mapper().createObjectNode();
            merged.set("items", all(path, query));
            page = merged;
        } else {
            Map<String, Object> q = new LinkedHashMap<>(query);
            q.put("limit", paging.limit);
            q.put("cursor", paging.cursor);
            page = api().get(path, q);
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
     * With {@code --wait}: polls the job at {@code collection/{id}} until it ends; {@code getCommand} + id is what
     * the user can run later. Without: the resource as it is.
     */
    protected JsonNode awaitIf(boolean await, String noun, String collection, String getCommand, JsonNode job)
            throws InterruptedException {
        if (!await) {
            return job;
        }
        String jobId = Json.text(job, "id");
        return new Jobs(api(), ctx(), json()).await(noun, collection + "/" + jobId, job, getCommand + " " + jobId);
    }

    protected static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}
