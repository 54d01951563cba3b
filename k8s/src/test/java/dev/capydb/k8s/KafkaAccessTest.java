package dev.capydb.k8s;

import static dev.capydb.k8s.Rendered.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.events.Topic;
import dev.capydb.k8s.Repo.Channel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Kafka admits only authenticated services, each held by ACLs to what its code publishes and consumes. */
class KafkaAccessTest {

    /**
     * The service whose outbox publishes each topic. libs/events EventType gives each type's topic, and one service
     * publishes each topic's types: ProjectEvents (project.*), BackupEvents (backup.*, base_backup.*), RestoreEvents and
     * RestorePointService (restore.*, preview.*, restore_point.*, production_overwrite_restore), ImportEvents
     * (import.*), CutoverEvents (cutover.*), webhook-service's DeliveryStore (webhook.*). job.* go to each service's
     * capydb.outbox.own-topic, which {@link #topicOwnersFollowTheCode} checks against this table.
     */
    static final Map<String, Topic> OWNERS = Map.of(
            "project-service", Topic.PROJECTS,
            "backup-service", Topic.BACKUPS,
            "restore-service", Topic.RESTORES,
            "import-service", Topic.IMPORTS,
            "cutover-service", Topic.CUTOVERS,
            "webhook-service", Topic.WEBHOOKS);

    /** The local stack's user for the test suites, which play every service (dev/stack; never in k8s). */
    static final String LOCAL_TEST_USER = "capydb-test";

    /** ACL operations that change something; only Write, and only on the user's own topic, is ever granted. */
    static final Set<String> MUTATING =
            Set.of("Write", "Create", "Delete", "Alter", "AlterConfigs", "All", "IdempotentWrite", "ClusterAction");

    private static final Pattern STATUS_SOURCES_DEFAULT =
            Pattern.compile("@WithDefault\\(\"([^\"]*)\"\\)\\s*List<String>\\s+statusSources\\(\\)");

    /** The Kafka clients: services built on libs/chassis (outbox relay, consumers, read-your-writes). */
    static List<String> kafkaClients() {
        return Repo.serviceModules().stream().filter(Repo::usesChassis).toList();
    }

    @Test
    void topicOwnersFollowTheCode() {
        assertEquals(
                new TreeSet<>(kafkaClients()), new TreeSet<>(OWNERS.keySet()), "every Kafka client owns one topic");
        assertEquals(Set.of(Topic.values()), new HashSet<>(OWNERS.values()), "every topic has exactly one owner");
        for (String module : kafkaClients()) {
            String ownTopic = Repo.runtimeConfig(module).getProperty("capydb.outbox.own-topic");
            if (ownTopic != null) {
                assertEquals(
                        OWNERS.get(module),
                        Topic.valueOf(ownTopic.toUpperCase(Locale.ROOT)),
                        module + ": capydb.outbox.own-topic differs from OWNERS");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void kafkaAdmitsOnlyAuthenticatedPrincipals(String overlay) {
        JsonNode kafka = ManifestsTest.render(overlay).all("Kafka").get(0).path("spec");
        assertEquals(
                "simple",
                kafka.path("kafka").path("authorization").path("type").asText(),
                overlay + ": Kafka authorization");
        for (JsonNode listener : kafka.path("kafka").path("listeners")) {
            String name = overlay + ": Kafka listener " + listener.path("name").asText();
            assertTrue(listener.path("tls").asBoolean(), name + " is not TLS");
            assertTrue(
                    Set.of("scram-sha-512", "tls")
                            .contains(
                                    listener.path("authentication").path("type").asText()),
                    name + " does not authenticate its clients");
        }
        assertTrue(kafka.path("entityOperator").has("userOperator"), overlay + ": no User Operator for the KafkaUsers");
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void everyServiceHasAKafkaUserWithTheAclsItsCodeNeeds(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        String cluster = r.all("Kafka").get(0).path("metadata").path("name").asText();
        for (String module : Repo.serviceModules()) {
            if (!Repo.usesChassis(module)) {
                assertTrue(
                        r.find("KafkaUser", module).isEmpty(),
                        overlay + ": " + module + " uses no Kafka but has a user");
                continue;
            }
            JsonNode user = r.get("KafkaUser", module);
            String where = overlay + ": KafkaUser " + module;
            assertEquals(
                    cluster,
                    user.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText(),
                    where + " cluster");
            assertEquals(
                    "scram-sha-512",
                    user.path("spec").path("authentication").path("type").asText(),
                    where + " authentication");
            assertEquals(expectedAcls(module), acls(user), where + " ACLs");
        }
    }

    /**
     * What the module's code does with Kafka, as ACL entries: write (and describe) its own topic, read its channels'
     * topics with groups named after it, and describe the groups read-your-writes waits for.
     */
    static Set<String> expectedAcls(String module) {
        Set<String> acls = new TreeSet<>();
        String owned = OWNERS.get(module).topicName();
        acls.add(acl("topic", "literal", owned, "Write"));
        acls.add(acl("topic", "literal", owned, "Describe"));
        for (Channel channel : Repo.incomingChannels(module)) {
            acls.add(acl("topic", "literal", channel.topic(), "Read"));
            acls.add(acl("topic", "literal", channel.topic(), "Describe"));
            assertTrue(
                    channel.group().startsWith(module),
                    module + ": group " + channel.group() + " is not named after it");
        }
        acls.add(acl("group", "prefix", module, "Read"));
        // ProjectBusy first lets project-service's status consumers catch up (CatchUp.awaitReaders).
        if (Repo.mainSourcesContain(module, "import dev.capydb.chassis.readmodel.ProjectBusy;")) {
            for (String source : statusSources(module)) {
                String[] topicAndGroup = source.split(":");
                acls.add(acl("topic", "literal", topicAndGroup[0], "Describe"));
                acls.add(acl("group", "literal", topicAndGroup[1], "Describe"));
            }
        }
        // ConsumerBarrier waits for every group reading the writer's events.
        if (Repo.mainSourcesContain(module, "import dev.capydb.chassis.consistency.ConsumerBarrier;")) {
            for (String other : kafkaClients()) {
                Repo.incomingChannels(other).stream()
                        .filter(c -> c.topic().equals(owned) && !other.equals(module))
                        .forEach(c -> acls.add(acl("group", "literal", c.group(), "Describe")));
            }
        }
        return acls;
    }

    /**
     * The local stack's broker (dev/stack) holds each service to the same ACLs: dev/stack reads them from
     * k8s/base/kafka/users.yaml with a small parser, so what it reads must be what the code needs, whether or not
     * kubectl is here to render the overlays. Its one extra user is the test suites'.
     */
    @Test
    void theLocalStackGivesEveryServiceTheAclsItsCodeNeeds() throws Exception {
        Process p = new ProcessBuilder("bash", Repo.root().resolve("dev/stack").toString(), "kafka-acls")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "dev/stack kafka-acls failed");
        Map<String, Set<String>> local = new TreeMap<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            assertEquals(5, f.length, "not 'user type pattern name operation': " + line);
            local.computeIfAbsent(f[0], u -> new TreeSet<>()).add(acl(f[1], f[2], f[3], f[4]));
        }
        Set<String> users = new TreeSet<>(kafkaClients());
        users.add(LOCAL_TEST_USER);
        assertEquals(users, local.keySet(), "dev/stack's Kafka users");
        for (String module : kafkaClients()) {
            assertEquals(expectedAcls(module), local.get(module), "dev/stack's ACLs of " + module);
        }
    }

    /** capydb.consistency.status-sources: the module's setting, else the default in libs/chassis ConsistencyConfig. */
    static List<String> statusSources(String module) {
        String value = Repo.runtimeConfig(module).getProperty("capydb.consistency.status-sources");
        if (value == null) {
            Matcher m = STATUS_SOURCES_DEFAULT.matcher(Repo.read(Repo.root()
                    .resolve("libs/chassis/src/main/java/dev/capydb/chassis/consistency/ConsistencyConfig.java")));
            assertTrue(m.find(), "no default of statusSources() in ConsistencyConfig");
            value = m.group(1);
        }
        return Arrays.stream(value.split(",")).map(String::trim).toList();
    }

    private static String acl(String type, String pattern, String name, String operation) {
        return type + ":" + pattern + ":" + name + ":" + operation;
    }

    /** A KafkaUser's ACLs, one entry per resource and operation. */
    static Set<String> acls(JsonNode user) {
        Set<String> out = new TreeSet<>();
        for (JsonNode rule : user.path("spec").path("authorization").path("acls")) {
            JsonNode resource = rule.path("resource");
            Set<String> operations = new TreeSet<>(Rendered.texts(rule.path("operations")));
            if (rule.has("operation")) {
                operations.add(rule.path("operation").asText());
            }
            for (String operation : operations) {
                out.add(acl(
                        resource.path("type").asText(),
                        resource.path("patternType").asText("literal"),
                        resource.path("name").asText(""),
                        operation));
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void noUserWritesATopicItDoesNotOwn(String overlay) {
        for (JsonNode user : ManifestsTest.render(overlay).all("KafkaUser")) {
            String name = user.path("metadata").path("name").asText();
            Topic own = OWNERS.get(name);
            for (String entry : acls(user)) {
                String[] acl = entry.split(":", 4);
                String where = overlay + ": KafkaUser " + name + " has " + entry;
                switch (acl[0]) {
                    case "topic" -> {
                        assertTrue(
                                acl[1].equals("literal") && !acl[2].contains("*"),
                                where + " (topics are named one by one)");
                        if (MUTATING.contains(acl[3])) {
                            assertTrue(acl[3].equals("Write") && own != null && acl[2].equals(own.topicName()), where);
                        }
                    }
                    case "group" ->
                        assertTrue(Set.of("Read", "Describe").contains(acl[3]) && !acl[2].contains("*"), where);
                    default -> fail(where + " (no cluster or transactional-id rights are needed)");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void deploymentsAuthenticateAsTheirOwnUser(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        Set<String> users = r.all("KafkaUser").stream()
                .map(u -> u.path("metadata").path("name").asText())
                .collect(Collectors.toSet());
        String caSecret = clusterCaSecret(r);
        for (String module : Repo.serviceModules()) {
            String where = overlay + " " + module;
            JsonNode deployment = r.get("Deployment", module);
            JsonNode app = Rendered.app(deployment);
            Map<String, String> env = ManifestsTest.envFromConfigMaps(r, module);
            Set<String> kafkaUsers = new TreeSet<>(SecretsScopeTest.referencedSecrets(deployment));
            kafkaUsers.retainAll(users);
            if (!Repo.usesChassis(module)) {
                assertEquals(Set.of(), kafkaUsers, where + ": uses no Kafka, gets Kafka credentials");
                assertTrue(
                        env.keySet().stream().noneMatch(k -> k.startsWith("KAFKA_")),
                        where + ": uses no Kafka, gets Kafka settings");
                continue;
            }
            assertEquals(Set.of(module), kafkaUsers, where + ": Kafka credentials of other users");
            assertEquals(bootstrap(r), env.get("KAFKA_BOOTSTRAP_SERVERS"), where + ": bootstrap");
            assertEquals("SASL_SSL", env.get("KAFKA_SECURITY_PROTOCOL"), where);
            assertEquals("SCRAM-SHA-512", env.get("KAFKA_SASL_MECHANISM"), where);
            assertEquals("PEM", env.get("KAFKA_SSL_TRUSTSTORE_TYPE"), where);
            JsonNode jaas = stream(app.path("env"))
                    .filter(e -> e.path("name").asText().equals("KAFKA_SASL_JAAS_CONFIG"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(where + ": no KAFKA_SASL_JAAS_CONFIG"))
                    .path("valueFrom")
                    .path("secretKeyRef");
            assertEquals(module, jaas.path("name").asText(), where + ": JAAS config from another Secret");
            assertEquals("sasl.jaas.config", jaas.path("key").asText(), where + ": JAAS config key");
            assertEquals(
                    caFile(deployment, caSecret),
                    env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"),
                    where + ": the truststore must be the mounted cluster CA");
        }
    }

    /** Where the Deployment's container sees ca.crt of the cluster CA Secret, or null when it is not mounted. */
    private static String caFile(JsonNode deployment, String caSecret) {
        for (JsonNode volume :
                deployment.path("spec").path("template").path("spec").path("volumes")) {
            if (!volume.path("secret").path("secretName").asText().equals(caSecret)) {
                continue;
            }
            String file = volume.path("secret").has("items")
                    ? stream(volume.path("secret").path("items"))
                            .filter(i -> i.path("key").asText().equals("ca.crt"))
                            .map(i -> i.path("path").asText())
                            .findFirst()
                            .orElse(null)
                    : "ca.crt";
            for (JsonNode mount : Rendered.app(deployment).path("volumeMounts")) {
                if (file != null
                        && mount.path("name")
                                .asText()
                                .equals(volume.path("name").asText())) {
                    return mount.path("mountPath").asText() + "/" + file;
                }
            }
        }
        return null;
    }

    private static String clusterCaSecret(Rendered r) {
        return r.all("Kafka").get(0).path("metadata").path("name").asText() + "-cluster-ca-cert";
    }

    /** The authenticated TLS listener, through the bootstrap Service Strimzi names after the cluster. */
    private static String bootstrap(Rendered r) {
        return r.all("Kafka").get(0).path("metadata").path("name").asText() + "-kafka-bootstrap:"
                + NetworkPoliciesTest.kafkaPort(r);
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void kedaReadsLagAsADescribeOnlyUser(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        Set<String> watched = new TreeSet<>();
        String passwordSecret = null;
        for (JsonNode so : r.all("ScaledObject")) {
            for (JsonNode trigger : so.path("spec").path("triggers")) {
                if (!trigger.path("type").asText().equals("kafka")) {
                    continue;
                }
                String where = overlay + ": ScaledObject "
                        + so.path("metadata").path("name").asText();
                JsonNode meta = trigger.path("metadata");
                assertEquals(bootstrap(r), meta.path("bootstrapServers").asText(), where + " bootstrap");
                assertEquals("scram_sha512", meta.path("sasl").asText(), where + " SASL");
                assertEquals("enable", meta.path("tls").asText(), where + " TLS");
                Map<String, JsonNode> auth = stream(r.get(
                                        "TriggerAuthentication",
                                        trigger.path("authenticationRef")
                                                .path("name")
                                                .asText())
                                .path("spec")
                                .path("secretTargetRef"))
                        .collect(Collectors.toMap(t -> t.path("parameter").asText(), t -> t));
                assertEquals(clusterCaSecret(r), auth.get("ca").path("name").asText(), where + ": CA");
                assertEquals("ca.crt", auth.get("ca").path("key").asText(), where + ": CA key");
                String secret = auth.get("password").path("name").asText();
                assertEquals(
                        secret, auth.get("username").path("name").asText(), where + ": user name and password apart");
                assertTrue(
                        passwordSecret == null || passwordSecret.equals(secret), where + ": KEDA uses one Kafka user");
                passwordSecret = secret;
                watched.add(acl("topic", "literal", meta.path("topic").asText(), "Describe"));
                watched.add(acl("group", "literal", meta.path("consumerGroup").asText(), "Describe"));
            }
        }
        String secret = passwordSecret;
        JsonNode keda = r.all("KafkaUser").stream()
                .filter(u -> u.path("spec")
                        .path("authentication")
                        .path("password")
                        .path("valueFrom")
                        .path("secretKeyRef")
                        .path("name")
                        .asText()
                        .equals(secret))
                .findFirst()
                .orElseThrow(() -> new AssertionError(overlay + ": no KafkaUser takes its password from " + secret));
        assertFalse(
                OWNERS.containsKey(keda.path("metadata").path("name").asText()),
                overlay + ": KEDA uses a service's user");
        assertEquals(watched, acls(keda), overlay + ": KEDA's user may describe exactly what the triggers watch");
    }
}
