package dev.capydb.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.sdk.ApiClient;
import dev.capydb.sdk.ApiException;
import dev.capydb.sdk.api.BackupsApi;
import dev.capydb.sdk.api.CutoversApi;
import dev.capydb.sdk.api.ProjectsApi;
import dev.capydb.sdk.api.RestoresApi;
import dev.capydb.sdk.model.BackupBody;
import dev.capydb.sdk.model.CreateBackup;
import dev.capydb.sdk.model.CreateCutover;
import dev.capydb.sdk.model.CreateProject;
import dev.capydb.sdk.model.CreateRestore;
import dev.capydb.sdk.model.CutoverBody;
import dev.capydb.sdk.model.RestoreBody;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole flow through the Java SDK that the build generates from {@code api/openapi.json} (module sdk/java), as a
 * customer would write it: create a project, back it up, restore the backup into a preview, ask for the preview to
 * become production. Every answer is read into the generated types, so a field, status or null the contract gets
 * wrong fails here too, and every call goes through the contract gate ({@link ContractProxy}).
 */
class SdkJavaE2EIT {

    @RegisterExtension
    static final ContractProxy gate = ContractProxy.toGateway();

    private static ApiClient as(String user) {
        String token = Stack.token(user);
        ApiClient client = new ApiClient();
        client.updateBaseUri(gate.url());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        return client;
    }

    @Test
    void createBackUpRestoreIntoAPreviewAndAskForACutoverThroughTheJavaSdk() throws Exception {
        ProjectsApi projects = new ProjectsApi(as("alice"));
        UUID project = projects.createProject(new CreateProject()
                        .name("sdk-java-" + UUID.randomUUID().toString().substring(0, 8)))
                .getId();
        try {
            String url = projects.getProjectConnection(project).getDatabaseUrl();
            Stack.psql(
                    url,
                    "CREATE TABLE notes (id int primary key, body text);"
                            + " INSERT INTO notes SELECT g, 'note ' || g FROM generate_series(1, 25) g");

            BackupsApi backups = new BackupsApi(as("alice"));
            BackupBody started = backups.createBackup(project, new CreateBackup().label("through-the-sdk"), null);
            BackupBody backup = until(
                    () -> backups.getBackup(project, started.getId()),
                    b -> b.getStatus() != BackupBody.StatusEnum.PENDING
                            && b.getStatus() != BackupBody.StatusEnum.RUNNING);
            assertEquals(BackupBody.StatusEnum.COMPLETED, backup.getStatus(), backup.toString());

            RestoresApi restores = new RestoresApi(as("alice"));
            RestoreBody queued = restores.createRestore(
                    project,
                    new CreateRestore().backupKey(backup.getBackupKey()).ttlHours(1),
                    null);
            RestoreBody restore = until(
                    () -> restores.getRestore(project, queued.getId()),
                    r -> r.getStatus() != RestoreBody.StatusEnum.PENDING
                            && r.getStatus() != RestoreBody.StatusEnum.RUNNING);
            assertEquals(RestoreBody.StatusEnum.COMPLETED, restore.getStatus(), restore.toString());
            UUID preview = restore.getPreviewId();
            String previewUrl = restores.getPreviewConnection(project, preview).getDatabaseUrl();
            assertEquals("25", Stack.psql(previewUrl, "SELECT count(*) FROM notes"));

            CutoverBody cutover = new CutoversApi(as("alice"))
                    .createCutoverRequest(
                            project,
                            new CreateCutover()
                                    .previewId(preview)
                                    .externalTicketRef("SDK-1")
                                    .customerNote("asked through the Java SDK"));
            assertEquals(CutoverBody.StatusEnum.OPEN, cutover.getStatus(), cutover.toString());
            assertTrue(
                    new CutoversApi(as("olga"))
                            .listOperatorCutoverRequests(null, 100, "open").getItems().stream()
                                    .anyMatch(c -> c.getId().equals(cutover.getId())),
                    "the operator sees it in the queue");

            // A refusal comes back as the SDK's exception, carrying the problem+json body.
            ApiException hidden =
                    assertThrows(ApiException.class, () -> new ProjectsApi(as("carol")).getProject(project));
            assertEquals(404, hidden.getCode());
            assertTrue(hidden.getResponseBody().contains("\"code\":\"not_found\""), hidden.getResponseBody());

            assertTrue(gate.checked() >= 8, "the contract gate saw the flow's calls: " + gate.checked());
            projects.deleteProject(project);
            assertEquals(
                    404,
                    assertThrows(ApiException.class, () -> projects.getProject(project))
                            .getCode());
        } finally {
            Stack.api("alice").delete("/v1/projects/{id}", project);
        }
    }

    /** The value {@code read} gives once {@code done} holds (polled every 200 ms, three minutes at most). */
    private static <T> T until(Callable<T> read, Predicate<T> done) {
        return await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(read, done);
    }
}
