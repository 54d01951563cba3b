package dev.capydb.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Static checks of the per-module Dockerfiles (no Docker engine here to build them). */
class DockerfilesTest {

    private static final Pattern USER = Pattern.compile("(?m)^\\s*USER\\s+(\\S+)");

    static Path dockerfile(String module) {
        return Repo.k8s().resolve("docker").resolve(module + ".Dockerfile");
    }

    @Test
    void everyServiceModuleHasADockerfileThatRunsTheFastJarAsNonRoot() {
        for (String module : Repo.serviceModules()) {
            Path file = dockerfile(module);
            assertTrue(Files.isRegularFile(file), "missing " + Repo.root().relativize(file));
            String text = Repo.read(file);
            assertTrue(
                    text.contains("target/quarkus-app/lib/")
                            && text.contains("target/quarkus-app/quarkus/")
                            && text.contains("target/quarkus-app/app/"),
                    module + ": must copy the fast-jar layout");
            assertTrue(text.contains("quarkus-run.jar"), module + ": must run quarkus-run.jar");
            assertEquals("10001", lastUser(text), module + ": must run as the non-root uid the pods expect");
        }
    }

    /** The JVM choices of dev/stack's svc_jvm_opts, which bench/footprint.sh measured, hold in the images too. */
    @Test
    void everyServiceStartsWithTheAppCdsArchiveAndTheSmallJvmSettings() {
        for (String module : Repo.serviceModules()) {
            String text = Repo.read(dockerfile(module));
            assertTrue(
                    text.contains("target/quarkus-app/app-cds.jsa /deployments/"),
                    module + ": must copy the AppCDS archive next to quarkus-run.jar");
            for (String option : List.of(
                    "\"-XX:SharedArchiveFile=/deployments/app-cds.jsa\"",
                    "\"-Xshare:auto\"",
                    "\"-XX:+UseSerialGC\"",
                    "\"-XX:TieredStopAtLevel=1\"")) {
                assertTrue(text.contains(option), module + ": ENTRYPOINT lacks " + option);
            }
        }
    }

    /** The last USER wins; it must be numeric and not 0, so runAsNonRoot can verify it. */
    static String lastUser(String dockerfile) {
        Matcher m = USER.matcher(dockerfile);
        String user = null;
        while (m.find()) {
            user = m.group(1);
        }
        assertTrue(user != null, "no USER instruction");
        assertTrue(
                user.matches("\\d+(:\\d+)?") && !user.matches("0(:.*)?"), "USER " + user + " is root or not numeric");
        return user.replaceFirst(":.*$", "");
    }

    @Test
    void servicesThatRunPostgresToolsHaveVersion15() {
        for (String module : Repo.PG_TOOL_USERS) {
            String text = Repo.read(dockerfile(module));
            assertTrue(text.contains("postgresql-client-15"), module + ": needs postgresql-client-15");
            assertTrue(text.contains("CAPYDB_PG_BIN=/usr/lib/postgresql/15/bin"), module + ": CAPYDB_PG_BIN");
        }
        assertTrue(
                Repo.read(dockerfile(Repo.PG_SERVER_USER)).matches("(?s).*\\bpostgresql-15\\b.*"),
                Repo.PG_SERVER_USER + ": PITR scratch clusters need the server (postgresql-15)");
        for (String module : Repo.serviceModules()) {
            if (!Repo.PG_TOOL_USERS.contains(module)) {
                assertFalse(
                        Repo.read(dockerfile(module)).contains("postgresql-"),
                        module + ": has no use for PostgreSQL tools");
            }
        }
    }

    @Test
    void lastUserRejectsRoot() {
        for (String text : List.of("FROM x\nUSER 10001\nUSER root\n", "FROM x\nUSER 0\n", "FROM x\n")) {
            try {
                lastUser(text);
            } catch (AssertionError expected) {
                continue;
            }
            throw new AssertionError("accepted: " + text);
        }
    }
}
