package dev.capydb.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each Deployment gets the Secrets its code uses and no others (k8s/README.md, "Secrets"). */
class SecretsScopeTest {

    private static final String CA = "capydb-cluster-ca-cert";

    /**
     * The Secrets each service's pods may see. capydb-chassis brings a datasource (the service's own database role)
     * and Kafka (its own KafkaUser's Secret, the cluster CA); capydb-dataplane the data-plane hosts' admin passwords;
     * libs/dataplane's ObjectStore the S3 keys; SecretBox the service's own sealing keys (capydb-secrets-<name>), and
     * capydb.secrets.key the single sealing key all services shared before; CAPYDB_SERVICES_CLIENT_SECRET the
     * capydb-services client's secret.
     */
    static final Map<String, Set<String>> SECRETS = Map.of(
            // capydb-chassis, capydb-dataplane (HostRegistry, DatabaseProvisioner), SecretBox; no ObjectStore.
            "project-service",
                    Set.of(
                            "capydb-db-project",
                            "project-service",
                            CA,
                            "capydb-dataplane-hosts",
                            "capydb-secrets-project",
                            "capydb-secrets-key"),
            // capydb-chassis, capydb-dataplane (pg_dump, pgBackRest backups through the hosts' TLS servers),
            // ObjectStore (backups, WAL); no sealed secrets.
            "backup-service",
                    Set.of(
                            "capydb-db-backup",
                            "backup-service",
                            CA,
                            "capydb-dataplane-hosts",
                            "capydb-s3",
                            "capydb-pgbackrest-client"),
            // capydb-chassis, capydb-dataplane (restores, previews), ObjectStore (backups, WAL), SecretBox (previews).
            "restore-service",
                    Set.of(
                            "capydb-db-restore",
                            "restore-service",
                            CA,
                            "capydb-dataplane-hosts",
                            "capydb-s3",
                            "capydb-secrets-restore",
                            "capydb-secrets-key"),
            // capydb-chassis, capydb-dataplane (pg_restore), ObjectStore (uploaded dumps), SecretBox (import URLs).
            "import-service",
                    Set.of(
                            "capydb-db-import",
                            "import-service",
                            CA,
                            "capydb-dataplane-hosts",
                            "capydb-s3",
                            "capydb-secrets-import",
                            "capydb-secrets-key"),
            // capydb-chassis only.
            "cutover-service", Set.of("capydb-db-cutover", "cutover-service", CA),
            // capydb-chassis, SecretBox (webhook secrets, integration tokens), the capydb-services client secret;
            // capydb-dataplane is a test-scoped dependency only, so no data-plane passwords and no S3 keys.
            "webhook-service",
                    Set.of(
                            "capydb-db-webhook",
                            "webhook-service",
                            CA,
                            "capydb-secrets-webhook",
                            "capydb-secrets-key",
                            "capydb-services-client"),
            // quarkus-oidc and vertx-http-proxy: no database, Kafka, object storage or data plane.
            "gateway", Set.of());

    @Test
    void theTableFollowsTheCode() {
        assertEquals(
                new TreeSet<>(Repo.serviceModules()), new TreeSet<>(SECRETS.keySet()), "one row per service module");
        for (String module : Repo.serviceModules()) {
            assertEquals(
                    new TreeSet<>(SECRETS.get(module)), usedSecrets(module), module + ": row differs from its code");
        }
    }

    /** The Secrets a module's dependencies and settings call for. */
    static Set<String> usedSecrets(String module) {
        Set<String> used = new TreeSet<>();
        if (Repo.usesChassis(module)) {
            used.addAll(Set.of("capydb-db-" + module.replaceFirst("-service$", ""), module, CA));
        }
        if (Repo.usesDataplane(module)) {
            used.add("capydb-dataplane-hosts");
        }
        if (Repo.usesObjectStorage(module)) {
            used.add("capydb-s3");
        }
        // Taking base backups means talking to the hosts' pgBackRest TLS servers, with the platform's client
        // certificate.
        if (Repo.mainSourcesContain(module, "pgBackRest.backup(")) {
            used.add("capydb-pgbackrest-client");
        }
        if (Repo.mainSourcesContain(module, "dev.capydb.chassis.crypto.SecretBox;")) {
            used.add("capydb-secrets-" + module.replaceFirst("-service$", ""));
        }
        var config = Repo.runtimeConfig(module);
        if (config.containsKey("capydb.secrets.key")) {
            used.add("capydb-secrets-key");
        }
        if (config.values().stream().anyMatch(v -> v.toString().contains("CAPYDB_SERVICES_CLIENT_SECRET"))) {
            used.add("capydb-services-client");
        }
        return used;
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void eachDeploymentSeesOnlyTheSecretsItUses(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        for (String module : Repo.serviceModules()) {
            assertEquals(
                    new TreeSet<>(SECRETS.get(module)),
                    referencedSecrets(r.get("Deployment", module)),
                    overlay + ": Secrets of " + module);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void storageAndDataPlaneSettingsGoWithTheirSecrets(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        for (String module : Repo.serviceModules()) {
            JsonNode deployment = r.get("Deployment", module);
            Map<String, String> env = ManifestsTest.envFromConfigMaps(r, module);
            boolean dataplaneFile = deployment.findValues("configMap").stream()
                    .anyMatch(cm -> cm.path("name").asText().startsWith("capydb-dataplane"));
            assertEquals(
                    Repo.usesDataplane(module),
                    dataplaneFile,
                    overlay + " " + module + ": dataplane.properties mounted");
            assertEquals(
                    Repo.usesDataplane(module),
                    env.containsKey("QUARKUS_CONFIG_LOCATIONS"),
                    overlay + " " + module + ": QUARKUS_CONFIG_LOCATIONS");
            assertEquals(
                    Repo.usesObjectStorage(module),
                    env.containsKey("QUARKUS_S3_ENDPOINT_OVERRIDE") && env.containsKey("QUARKUS_S3_AWS_REGION"),
                    overlay + " " + module + ": capydb-storage");
        }
    }

    /**
     * Each storage setting a Deployment gets is the environment form of a key its service reads (quarkus.s3.* and
     * capydb.storage.*, from libs/dataplane or its own application.properties): a renamed key cannot leave a
     * ConfigMap entry nothing reads, while the service quietly talks to its default store.
     */
    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void storageSettingsAreKeysTheServicesRead(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        for (String module : Repo.serviceModules()) {
            if (!Repo.usesObjectStorage(module)) {
                continue;
            }
            Set<String> read = new TreeSet<>();
            Repo.dataplaneConfig().stringPropertyNames().forEach(k -> read.add(Repo.envForm(k)));
            Repo.runtimeConfig(module).stringPropertyNames().forEach(k -> read.add(Repo.envForm(k)));
            for (String name : ManifestsTest.envFromConfigMaps(r, module).keySet()) {
                if (name.startsWith("QUARKUS_S3_") || name.startsWith("CAPYDB_STORAGE_")) {
                    assertTrue(read.contains(name), overlay + " " + module + ": " + name + " is no key it reads");
                }
            }
        }
    }

    /** Every Secret a Deployment names: env and envFrom references and secret volumes. */
    static Set<String> referencedSecrets(JsonNode deployment) {
        Set<String> names = new TreeSet<>();
        deployment
                .findValues("secretKeyRef")
                .forEach(ref -> names.add(ref.path("name").asText()));
        deployment
                .findValues("secretRef")
                .forEach(ref -> names.add(ref.path("name").asText()));
        deployment
                .findValues("secret")
                .forEach(volume -> names.add(volume.path("secretName").asText()));
        names.remove("");
        return names;
    }
}
