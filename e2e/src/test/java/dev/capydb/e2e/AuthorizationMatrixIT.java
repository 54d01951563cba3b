package dev.capydb.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every public API route × {no token, bad token, member, admin, other org's admin, operator}: each
 * cell answers as specified (401 before routing, 404 for another org's project, 403 for a role too low, 2xx
 * otherwise), printed as a table.
 */
@ExtendWith(ContractGate.class)
class AuthorizationMatrixIT {

    private static final List<String> WHO = List.of("none", "bad", "bob", "alice", "carol", "olga");
    private static final String[] HEADER = {"no token", "bad token", "member", "admin", "other org", "operator"};

    /** One route and what each caller must get. */
    record Row(String method, String path, Map<String, Object> body, int... expected) {}

    private static RequestSpecification as(String who) {
        RequestSpecification r = given().baseUri(Stack.gateway());
        return switch (who) {
            case "none" -> r;
            case "bad" -> r.header("Authorization", "Bearer not.a.token");
            default -> r.auth().oauth2(Stack.token(who));
        };
    }

    private static Response call(String who, Row row, String project, String other) {
        RequestSpecification r = as(who);
        if (row.body() != null) {
            r = r.contentType("application/json").body(row.body());
        }
        String path = row.path().replace("{P}", project).replace("{Q}", other);
        return r.request(row.method(), path);
    }

    @Test
    void everyRouteAnswersEachKindOfCallerAsSpecified() throws Exception {
        String project = newProject();
        String doomed = newProject();

        int ok = 200;
        List<Row> rows = List.of(
                new Row("GET", "/v1/regions", null, 401, 401, ok, ok, ok, ok),
                new Row("GET", "/v1/plans", null, 401, 401, ok, ok, ok, ok),
                new Row("GET", "/v1/projects", null, 401, 401, ok, ok, ok, ok),
                new Row("GET", "/v1/orgs/acme/limits", null, 401, 401, ok, ok, 404, 404),
                new Row("GET", "/v1/projects/{P}", null, 401, 401, ok, ok, 404, 404),
                new Row("GET", "/v1/projects/{P}/connection", null, 401, 401, ok, ok, 404, 404),
                new Row("GET", "/v1/projects/{P}/backups", null, 401, 401, ok, ok, 404, 404),
                new Row("GET", "/v1/projects/{P}/scheduled-backups/default", null, 401, 401, ok, ok, 404, 404),
                new Row(
                        "PUT",
                        "/v1/projects/{P}/scheduled-backups/default",
                        Map.of("hour", 3, "minute", 0, "active", true, "retention_days", 7),
                        401,
                        401,
                        403,
                        ok,
                        404,
                        404),
                new Row("GET", "/v1/projects/{P}/restores", null, 401, 401, ok, ok, 404, 404),
                new Row(
                        "POST",
                        "/v1/projects/{P}/restores",
                        Map.of(
                                "backup_key",
                                "projects/none.dump",
                                "target_kind",
                                "project",
                                "confirm_project_overwrite",
                                true),
                        401,
                        401,
                        403,
                        404,
                        404,
                        404),
                new Row("GET", "/v1/projects/{P}/restore-points", null, 401, 401, ok, ok, 404, 404),
                new Row("GET", "/v1/projects/{P}/previews", null, 401, 401, ok, ok, 404, 404),
                new Row("GET", "/v1/projects/{P}/imports", null, 401, 401, ok, ok, 404, 404),
                new Row("GET", "/v1/projects/{P}/cutover-requests", null, 401, 401, ok, ok, 404, 404),
                new Row("GET", "/v1/operator/cutover-requests", null, 401, 401, 403, 403, 403, ok),
                new Row("GET", "/v1/projects/{P}/webhooks", null, 401, 401, ok, ok, 404, 404),
                new Row("GET", "/v1/projects/{P}/webhooks/limits", null, 401, 401, ok, ok, 404, 404),
                new Row("GET", "/v1/projects/{P}/integrations", null, 401, 401, ok, ok, 404, 404),
                new Row(
                        "POST",
                        "/v1/projects/{P}/integrations",
                        Map.of("provider", "vercel", "access_token", "t", "project_id", "prj_matrix"),
                        401,
                        401,
                        403,
                        201,
                        404,
                        404),
                new Row("GET", "/v1/projects/{P}/audit-events", null, 401, 401, ok, ok, 404, 404),
                new Row("DELETE", "/v1/projects/{Q}", null, 401, 401, 403, 204, 404, 404));

        List<String> failures = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format("%-7s %-46s", "method", "route"));
        for (String h : HEADER) {
            table.append(String.format(" %-10s", h));
        }
        table.append('\n');
        for (Row row : rows) {
            table.append(String.format("%-7s %-46s", row.method(), row.path()));
            // The admin goes last on the route, so a destructive call does not hide the others' answers.
            Map<String, Integer> got = new LinkedHashMap<>();
            for (int i : new int[] {0, 1, 2, 4, 5, 3}) {
                got.put(WHO.get(i), call(WHO.get(i), row, project, doomed).statusCode());
            }
            for (int i = 0; i < WHO.size(); i++) {
                int status = got.get(WHO.get(i));
                boolean good = status == row.expected()[i];
                table.append(String.format(" %-10s", status + (good ? "" : "≠" + row.expected()[i])));
                if (!good) {
                    failures.add(row.method() + " " + row.path() + " as " + HEADER[i] + ": " + status + ", wanted "
                            + row.expected()[i]);
                }
            }
            table.append('\n');
        }
        System.out.println("authorization matrix (" + rows.size() + " routes x " + WHO.size() + " callers):\n" + table);
        Stack.api("alice").delete("/v1/projects/{id}", project);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static String newProject() {
        return Stack.api("alice")
                .contentType("application/json")
                .body(Map.of("name", "e2e-authz-" + UUID.randomUUID().toString().substring(0, 8)))
                .post("/v1/projects")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
