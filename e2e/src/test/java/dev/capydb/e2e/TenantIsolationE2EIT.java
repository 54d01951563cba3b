package dev.capydb.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hostile project member, through the public API only: bob (a member, not an admin) plants in his project's
 * database a function that leaves its role and, were it then a superuser, would write a file on the database host
 * with {@code COPY … TO PROGRAM}; it is reached through a shadowing operator, a CHECK constraint, an expression index
 * and a materialized view. Then the platform backs the project up with verification, restores it into a new preview,
 * into that preview again and over production: every job completes, the tenant's objects come back owned by the tenant's roles, and the
 * file never appears.
 */
@ExtendWith(ContractGate.class)
class TenantIsolationE2EIT {

    @Test
    void aMembersPlantedCodeNeverRunsAsASuperuser() throws Exception {
        String project = Jobs.newProject("e2e-hostile");
        Path marker = Path.of(System.getProperty("java.io.tmpdir"), "capydb-e2e-marker-" + UUID.randomUUID());
        String url = Stack.api("bob")
                .get("/v1/projects/{id}/connection", project)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
        Stack.psql(
                url,
                "CREATE FUNCTION public.attack() RETURNS boolean LANGUAGE plpgsql AS $f$ BEGIN "
                        + "BEGIN RESET ROLE; EXCEPTION WHEN OTHERS THEN NULL; END; "
                        + "IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN "
                        + "COPY (SELECT 1) TO PROGRAM 'touch " + marker
                        + "'; RAISE EXCEPTION 'a superuser ran tenant code'; "
                        + "END IF; RETURN true; END $f$;"
                        + "CREATE FUNCTION public.attack_imm(int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $f$ BEGIN "
                        + "PERFORM public.attack(); RETURN $1; END $f$;"
                        + "CREATE FUNCTION public.nlike(name, name) RETURNS boolean LANGUAGE plpgsql AS $f$ BEGIN "
                        + "PERFORM public.attack(); RETURN $1::text OPERATOR(pg_catalog.!~~) $2::text; END $f$;"
                        + "CREATE OPERATOR public.!~~ (LEFTARG = name, RIGHTARG = name, FUNCTION = public.nlike);"
                        + "CREATE TABLE public.guarded (id int PRIMARY KEY, v int CHECK (public.attack()));"
                        + "INSERT INTO public.guarded SELECT g, g FROM generate_series(1, 100) g;"
                        + "CREATE INDEX guarded_expr ON public.guarded (public.attack_imm(v));"
                        + "CREATE MATERIALIZED VIEW public.guarded_view AS SELECT id FROM public.guarded WHERE public.attack();"
                        + "CREATE FUNCTION public.definer() RETURNS text LANGUAGE sql SECURITY DEFINER AS 'SELECT 1::text'");

        String backupId = Stack.api("bob")
                .contentType("application/json")
                .body(Map.of("label", "hostile", "verify", true))
                .post("/v1/projects/{id}/backups", project)
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        JsonPath backup = Jobs.awaitBackup(project, backupId);
        assertEquals("completed", backup.getString("status"), backup.prettify());
        assertTrue(backup.getBoolean("verified"), backup.prettify());

        String preview = Stack.api("bob")
                .contentType("application/json")
                .body(Map.of("backup_key", backup.getString("backup_key"), "ttl_hours", 1))
                .post("/v1/projects/{id}/restores", project)
                .then()
                .statusCode(202)
                .extract()
                .path("preview_id");
        Jobs.await(
                () -> Stack.api("bob").get("/v1/projects/{id}/previews/{p}", project, preview),
                p -> !"creating".equals(p.getString("status")),
                Duration.ofMinutes(2));
        String previewUrl = Stack.api("bob")
                .get("/v1/projects/{id}/previews/{p}/connection", project, preview)
                .then()
                .statusCode(200)
                .extract()
                .path("database_url");
        assertEquals("100", Stack.psql(previewUrl, "SELECT count(*) FROM public.guarded"));
        assertEquals(
                "pv_" + preview.replace("-", ""),
                Stack.psql(previewUrl, "SELECT proowner::regrole::text FROM pg_proc WHERE proname = 'definer'"));

        // Again into the same preview (an overwrite of a preview: loaded into a scratch database, then swapped in).
        String again = Stack.api("bob")
                .contentType("application/json")
                .body(Map.of(
                        "backup_key", backup.getString("backup_key"), "target_kind", "preview", "preview_id", preview))
                .post("/v1/projects/{id}/restores", project)
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        JsonPath intoPreview = Jobs.awaitRestore(
                project, again, r -> !r.getString("status").matches("pending|running"), Duration.ofMinutes(2));
        assertEquals("completed", intoPreview.getString("status"), intoPreview.prettify());
        assertEquals(
                "pv_" + preview.replace("-", ""),
                Stack.psql(previewUrl, "SELECT proowner::regrole::text FROM pg_proc WHERE proname = 'definer'"));

        String overwrite = Stack.api("alice")
                .contentType("application/json")
                .body(Map.of(
                        "backup_key",
                        backup.getString("backup_key"),
                        "target_kind",
                        "project",
                        "confirm_project_overwrite",
                        true))
                .post("/v1/projects/{id}/restores", project)
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        JsonPath overwritten = Jobs.awaitRestore(
                project, overwrite, r -> !r.getString("status").matches("pending|running"), Duration.ofMinutes(2));
        assertEquals("completed", overwritten.getString("status"), overwritten.prettify());
        assertEquals("100", Stack.psql(url, "SELECT count(*) FROM public.guarded"));

        System.out.printf(
                "tenant-isolation: backup verified=%b, preview and overwrite completed, marker=%b%n",
                backup.getBoolean("verified"), Files.exists(marker));
        assertFalse(Files.exists(marker), "a superuser ran the tenant's code");
        Stack.api("alice").delete("/v1/projects/{id}", project).then().statusCode(204);
    }
}
