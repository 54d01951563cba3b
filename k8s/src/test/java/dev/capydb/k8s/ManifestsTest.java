package dev.capydb.k8s;

import static dev.capydb.k8s.Rendered.stream;
import static dev.capydb.k8s.Rendered.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.events.Topic;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Renders every overlay with kubectl kustomize and checks what production needs of the manifests. */
class ManifestsTest {

    /** Names of settings that hold credentials: such a value must come from a Secret, never a literal. */
    static final Pattern SENSITIVE = Pattern.compile("(?i).*(password|passwd|secret|token|[-_.]key|credentials?)$");

    private static final Map<String, Rendered> RENDERED = new ConcurrentHashMap<>();

    @BeforeAll
    static void kubectl() {
        Rendered.requireKubectl();
    }

    static Stream<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(Repo.k8s().resolve("overlays"))) {
            List<String> names = dirs.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
            assertTrue(names.containsAll(List.of("dev", "prod")), "overlays dev and prod must exist: " + names);
            return names.stream();
        }
    }

    /** The rendered overlay; a test that needs one fails where kubectl is missing. */
    static Rendered render(String overlay) {
        Rendered.requireKubectl();
        return RENDERED.computeIfAbsent(overlay, Rendered::overlay);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceModuleHasADeploymentWithProbesAndLimits(String overlay) {
        Rendered r = render(overlay);
        for (String module : Repo.serviceModules()) {
            JsonNode app = Rendered.app(r.get("Deployment", module));
            String where = overlay + "/" + module;
            assertProbe(app, "startupProbe", "/q/health/started", where);
            assertProbe(app, "livenessProbe", "/q/health/live", where);
            assertProbe(app, "readinessProbe", "/q/health/ready", where);
            Map<String, String> env = envFromConfigMaps(r, module);
            assertEquals("true", env.get("QUARKUS_MANAGEMENT_ENABLED"), where + ": management interface");
            assertEquals(
                    String.valueOf(MANAGEMENT_PORT), env.get("QUARKUS_MANAGEMENT_PORT"), where + ": management port");
            JsonNode annotations = r.get("Deployment", module)
                    .path("spec")
                    .path("template")
                    .path("metadata")
                    .path("annotations");
            assertEquals(
                    String.valueOf(MANAGEMENT_PORT),
                    annotations.path("prometheus.io/port").asText(),
                    where + ": metrics are scraped from the management port");
            for (String bound : List.of("requests", "limits")) {
                for (String resource : List.of("cpu", "memory")) {
                    assertFalse(
                            app.path("resources")
                                    .path(bound)
                                    .path(resource)
                                    .asText()
                                    .isBlank(),
                            where + ": resources." + bound + "." + resource + " missing");
                }
            }
        }
    }

    /** Quarkus' management interface (common.env): health and metrics, apart from the API port. */
    static final int MANAGEMENT_PORT = 9000;

    /** The probe must reach the management port, not the API port the gateway and the Ingress use. */
    private static void assertProbe(JsonNode container, String probe, String path, String where) {
        JsonNode get = container.path(probe).path("httpGet");
        assertEquals(path, get.path("path").asText(), where + ": " + probe + " must GET " + path);
        assertEquals(
                MANAGEMENT_PORT,
                containerPort(container, get.path("port").asText()),
                where + ": " + probe + " must use the management port");
    }

    /** A container port by name or number; fails when the container does not declare it. */
    static int containerPort(JsonNode container, String nameOrNumber) {
        return stream(container.path("ports"))
                .filter(p -> p.path("name").asText().equals(nameOrNumber)
                        || p.path("containerPort").asText().equals(nameOrNumber))
                .map(p -> p.path("containerPort").asInt())
                .findFirst()
                .orElseThrow(() -> new AssertionError("port " + nameOrNumber + " is not a container port"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void imageNamesMatchModules(String overlay) {
        Rendered r = render(overlay);
        for (String module : Repo.serviceModules()) {
            String image =
                    Rendered.app(r.get("Deployment", module)).path("image").asText();
            String repository = image.replaceFirst("@.*$", "").replaceFirst(":[^:/]+$", "");
            assertEquals(
                    module,
                    repository.substring(repository.lastIndexOf('/') + 1),
                    overlay + ": image " + image + " does not name module " + module);
            if (overlay.equals("prod")) {
                String tag = image.contains("@")
                        ? "digest"
                        : image.substring(repository.length()).replaceFirst("^:", "");
                assertFalse(tag.isEmpty() || tag.equals("latest"), "prod: image " + image + " is not pinned");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicePodsRunAsNonRootWithAReadOnlyRoot(String overlay) {
        Rendered r = render(overlay);
        for (String module : Repo.serviceModules()) {
            JsonNode pod =
                    r.get("Deployment", module).path("spec").path("template").path("spec");
            JsonNode app = Rendered.app(r.get("Deployment", module));
            String where = overlay + "/" + module;
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), where + ": runAsNonRoot");
            assertEquals(
                    "RuntimeDefault",
                    pod.path("securityContext")
                            .path("seccompProfile")
                            .path("type")
                            .asText(),
                    where + ": seccomp");
            JsonNode sc = app.path("securityContext");
            assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), where + ": readOnlyRootFilesystem");
            assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), where + ": allowPrivilegeEscalation");
            assertTrue(texts(sc.path("capabilities").path("drop")).contains("ALL"), where + ": capabilities drop ALL");
            String tmpVolume = null;
            for (JsonNode m : app.path("volumeMounts")) {
                if (m.path("mountPath").asText().equals("/tmp")) {
                    tmpVolume = m.path("name").asText();
                }
            }
            assertTrue(tmpVolume != null, where + ": no writable /tmp mount");
            String name = tmpVolume;
            assertTrue(
                    stream(pod.path("volumes"))
                            .anyMatch(v -> v.path("name").asText().equals(name) && v.has("emptyDir")),
                    where + ": /tmp must be an emptyDir");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceHasAServiceAndADisruptionBudget(String overlay) {
        Rendered r = render(overlay);
        for (String module : Repo.serviceModules()) {
            JsonNode podLabels = r.get("Deployment", module)
                    .path("spec")
                    .path("template")
                    .path("metadata")
                    .path("labels");
            assertSelects(
                    r.get("Service", module).path("spec").path("selector"), podLabels, overlay + " Service " + module);
            assertSelects(
                    r.get("PodDisruptionBudget", module)
                            .path("spec")
                            .path("selector")
                            .path("matchLabels"),
                    podLabels,
                    overlay + " PodDisruptionBudget " + module);
        }
    }

    private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
        assertTrue(selector.size() > 0, what + " has an empty selector");
        selector.fields()
                .forEachRemaining(e -> assertEquals(
                        e.getValue().asText(),
                        labels.path(e.getKey()).asText(),
                        what + " does not select the pods (" + e.getKey() + ")"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaTopicsEqualTheEventCatalog(String overlay) {
        Rendered r = render(overlay);
        Set<String> catalog =
                Arrays.stream(Topic.values()).map(Topic::topicName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> declared = new TreeSet<>();
        String cluster = r.all("Kafka").get(0).path("metadata").path("name").asText();
        for (JsonNode t : r.all("KafkaTopic")) {
            String name = t.path("spec")
                    .path("topicName")
                    .asText(t.path("metadata").path("name").asText());
            assertTrue(declared.add(name), overlay + ": topic " + name + " declared twice");
            assertEquals(
                    cluster,
                    t.path("metadata").path("labels").path("strimzi.io/cluster").asText(),
                    overlay + ": topic " + name + " is not bound to Kafka " + cluster);
            assertTrue(
                    t.path("spec").path("partitions").asInt() >= 1, overlay + ": topic " + name + " has no partitions");
            boolean compacted = "compact"
                    .equals(t.path("spec").path("config").path("cleanup.policy").asText());
            // Only the project snapshots are compacted: the other topics are histories of events.
            assertEquals(name.equals(Topic.PROJECTS.topicName()), compacted, overlay + ": compaction of " + name);
        }
        assertEquals(catalog, declared, overlay + ": KafkaTopics differ from libs/events Topic");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaRunsInKraftModeWithANodePool(String overlay) {
        Rendered r = render(overlay);
        assertEquals(1, r.all("Kafka").size(), overlay + ": one Kafka");
        String cluster = r.all("Kafka").get(0).path("metadata").path("name").asText();
        // KRaft: the cluster's own nodes are the controllers (the v1 API has no ZooKeeper at all).
        for (String role : List.of("controller", "broker")) {
            assertTrue(
                    r.all("KafkaNodePool").stream()
                            .filter(p -> cluster.equals(p.path("metadata")
                                    .path("labels")
                                    .path("strimzi.io/cluster")
                                    .asText()))
                            .anyMatch(p -> texts(p.path("spec").path("roles")).contains(role)),
                    overlay + ": no node pool of " + cluster + " has the " + role + " role");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void noSecretValueIsCommitted(String overlay) {
        Rendered r = render(overlay);
        for (JsonNode secret : r.all("Secret")) {
            assertTrue(
                    secret.path("data").isEmpty() && secret.path("stringData").isEmpty(),
                    overlay + ": Secret " + secret.path("metadata").path("name").asText() + " carries values");
        }
        for (JsonNode o : r.objects) {
            String where = overlay + " " + o.path("kind").asText() + "/"
                    + o.path("metadata").path("name").asText();
            walkContainers(o, c -> {
                for (JsonNode env : c.path("env")) {
                    if (SENSITIVE.matcher(env.path("name").asText()).matches()) {
                        assertFalse(
                                env.has("value"),
                                where + ": env " + env.path("name").asText() + " is a literal");
                        assertTrue(
                                env.path("valueFrom").has("secretKeyRef"),
                                where + ": env " + env.path("name").asText() + " must come from a Secret");
                    }
                }
            });
            if (o.path("kind").asText().equals("ConfigMap")) {
                o.path("data")
                        .fields()
                        .forEachRemaining(e -> assertNoLiteralSecret(
                                where, e.getKey(), e.getValue().asText()));
            }
        }
    }

    /** A ConfigMap entry: an env-style key, or a properties file whose credential lines must be ${references}. */
    static void assertNoLiteralSecret(String where, String key, String value) {
        if (SENSITIVE.matcher(key).matches() && !value.isEmpty()) {
            fail(where + ": " + key + " holds a literal value");
        }
        if (key.endsWith(".properties")) {
            Properties props = new Properties();
            try {
                props.load(new StringReader(value));
            } catch (IOException e) {
                throw new AssertionError(where + ": " + key + " is not a properties file", e);
            }
            for (String k : props.stringPropertyNames()) {
                String v = props.getProperty(k).trim();
                if (SENSITIVE.matcher(k).matches() && !(v.startsWith("${") && v.endsWith("}"))) {
                    fail(where + ": " + key + " sets " + k + " to a literal; use ${AN_ENV_VAR_FROM_A_SECRET}");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everySecretReferencedIsDocumented(String overlay) {
        Rendered r = render(overlay);
        String readme = Repo.read(Repo.k8s().resolve("README.md"));
        Set<String> referenced = new TreeSet<>();
        for (JsonNode o : r.objects) {
            o.findValues("secretKeyRef")
                    .forEach(ref -> referenced.add(ref.path("name").asText()));
            o.findValues("secretRef")
                    .forEach(ref -> referenced.add(ref.path("name").asText()));
            o.findValues("passwordSecret")
                    .forEach(ref -> referenced.add(ref.path("name").asText()));
            o.findValues("usernameSecret")
                    .forEach(ref -> referenced.add(ref.path("name").asText()));
            o.findValues("secretName").forEach(ref -> referenced.add(ref.asText()));
            o.findValues("secret")
                    .forEach(ref -> referenced.add(ref.path("name").asText()));
        }
        referenced.remove("");
        assertFalse(referenced.isEmpty(), overlay + ": no Secret referenced at all");
        for (String name : referenced) {
            assertTrue(
                    readme.contains("`" + name + "`"),
                    overlay + ": Secret " + name + " is not documented in k8s/README.md");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void configMapsReferencedExist(String overlay) {
        Rendered r = render(overlay);
        for (JsonNode o : r.all("Deployment")) {
            List<String> names = new ArrayList<>();
            o.findValues("configMapRef")
                    .forEach(ref -> names.add(ref.path("name").asText()));
            o.path("spec").path("template").path("spec").path("volumes").forEach(v -> {
                if (v.has("configMap"))
                    names.add(v.path("configMap").path("name").asText());
            });
            for (String name : names) {
                assertTrue(
                        r.find("ConfigMap", name).isPresent(),
                        overlay + ": Deployment "
                                + o.path("metadata").path("name").asText() + " uses missing ConfigMap " + name);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceWithADatabaseGetsItsOwn(String overlay) {
        Rendered r = render(overlay);
        JsonNode cluster = r.all("Cluster").get(0);
        String clusterName = cluster.path("metadata").path("name").asText();
        Map<String, String> owners = new HashMap<>();
        JsonNode initdb = cluster.path("spec").path("bootstrap").path("initdb");
        owners.put(initdb.path("database").asText(), initdb.path("owner").asText());
        for (JsonNode db : r.all("Database")) {
            assertEquals(
                    clusterName, db.path("spec").path("cluster").path("name").asText());
            owners.put(
                    db.path("spec").path("name").asText(),
                    db.path("spec").path("owner").asText());
        }
        Set<String> roles = new HashSet<>(List.of(initdb.path("owner").asText()));
        cluster.path("spec")
                .path("managed")
                .path("roles")
                .forEach(role -> roles.add(role.path("name").asText()));
        for (String module : Repo.serviceModules()) {
            if (module.equals("gateway")) {
                continue;
            }
            String db = "capydb_" + module.replaceFirst("-service$", "");
            assertTrue(owners.containsKey(db), overlay + ": no database " + db + " for " + module);
            assertTrue(
                    roles.contains(owners.get(db)), overlay + ": owner of " + db + " is not a role of " + clusterName);
            String url = envFromConfigMaps(r, module).getOrDefault("QUARKUS_DATASOURCE_JDBC_URL", "");
            assertTrue(
                    url.endsWith("/" + db), overlay + ": " + module + " does not connect to " + db + " (" + url + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void workersScaleOnTheirConsumerGroups(String overlay) {
        Rendered r = render(overlay);
        Set<String> topics = Arrays.stream(Topic.values()).map(Topic::topicName).collect(Collectors.toSet());
        for (String worker : Repo.WORKERS) {
            JsonNode so = r.get("ScaledObject", worker);
            assertEquals(
                    worker,
                    so.path("spec").path("scaleTargetRef").path("name").asText(),
                    overlay + ": target of " + worker);
            List<JsonNode> kafka = stream(so.path("spec").path("triggers"))
                    .filter(t -> t.path("type").asText().equals("kafka"))
                    .toList();
            assertFalse(kafka.isEmpty(), overlay + ": " + worker + " has no Kafka lag trigger");
            Set<String> groups = consumerGroups(worker);
            for (JsonNode t : kafka) {
                String group = t.path("metadata").path("consumerGroup").asText();
                String topic = t.path("metadata").path("topic").asText();
                assertTrue(topics.contains(topic), overlay + ": " + worker + " trigger on unknown topic " + topic);
                if (groups != null) {
                    assertTrue(
                            groups.contains(group),
                            overlay + ": " + worker + " has no consumer group " + group
                                    + " (application.properties has " + groups + ")");
                }
            }
            if (groups != null) {
                Set<String> watched = kafka.stream()
                        .map(t -> t.path("metadata").path("consumerGroup").asText())
                        .collect(Collectors.toSet());
                assertEquals(groups, watched, overlay + ": " + worker + " must scale on all its consumer groups");
            }
        }
    }

    /** Group ids a service consumes with, or null while the module is not on this branch. */
    private static Set<String> consumerGroups(String module) {
        return Repo.applicationProperties(module) == null ? null : Repo.consumerGroups(module);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void gatewayHasAnIngressAndACpuAutoscaler(String overlay) {
        Rendered r = render(overlay);
        assertTrue(
                r.all("Ingress").stream()
                        .anyMatch(i -> i.findValues("service").stream()
                                .anyMatch(s -> s.path("name").asText().equals("gateway"))),
                overlay + ": no Ingress to the gateway");
        JsonNode hpa = r.get("HorizontalPodAutoscaler", "gateway");
        assertEquals(
                "Deployment",
                hpa.path("spec").path("scaleTargetRef").path("kind").asText());
        assertEquals(
                "gateway", hpa.path("spec").path("scaleTargetRef").path("name").asText());
        assertTrue(
                stream(hpa.path("spec").path("metrics"))
                        .anyMatch(m -> m.path("resource").path("name").asText().equals("cpu")),
                overlay + ": HPA not on CPU");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void egressModeFollowsTheOverlay(String overlay) {
        Rendered r = render(overlay);
        String expected = overlay.equals("dev") ? "1" : "0";
        for (String module : Repo.serviceModules()) {
            assertEquals(
                    expected,
                    envFromConfigMaps(r, module).get("CAPYDB_ALLOW_LOOPBACK"),
                    overlay + ": egress mode of " + module);
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void keycloakRealmIsImportedWithoutSecrets(String overlay) {
        Rendered r = render(overlay);
        String keycloak = r.all("Keycloak").get(0).path("metadata").path("name").asText();
        JsonNode realmImport = r.all("KeycloakRealmImport").get(0).path("spec");
        assertEquals(keycloak, realmImport.path("keycloakCRName").asText());
        assertEquals("capydb", realmImport.path("realm").path("realm").asText());
        for (JsonNode client : realmImport.path("realm").path("clients")) {
            String secret = client.path("secret").asText();
            assertTrue(
                    secret.isEmpty() || secret.matches("\\$\\{[A-Z0-9_]+}"),
                    overlay + ": client " + client.path("clientId").asText() + " has a literal secret");
        }
        assertTrue(
                stream(realmImport.path("realm").path("users")).noneMatch(u -> u.has("credentials")),
                overlay + ": the realm import must not seed users with passwords");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicesExpectTheIssuerKeycloakIsReachedAt(String overlay) {
        Rendered r = render(overlay);
        String hostname = r.all("Keycloak")
                .get(0)
                .path("spec")
                .path("hostname")
                .path("hostname")
                .asText();
        for (JsonNode ingress : r.all("Ingress")) {
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                String host = rule.path("host").asText();
                assertTrue(
                        stream(ingress.path("spec").path("tls"))
                                .anyMatch(t -> texts(t.path("hosts")).contains(host)),
                        overlay + ": Ingress host " + host + " has no TLS");
            }
        }
        String keycloakHost = hostname.replaceFirst("^https://", "");
        assertTrue(
                r.all("Ingress").stream()
                        .anyMatch(i -> stream(i.path("spec").path("rules"))
                                .anyMatch(rule -> rule.path("host").asText().equals(keycloakHost))),
                overlay + ": no Ingress serves Keycloak's hostname " + hostname);
        for (String module : Repo.serviceModules()) {
            assertEquals(
                    hostname + "/realms/capydb",
                    envFromConfigMaps(r, module).get("QUARKUS_OIDC_TOKEN_ISSUER"),
                    overlay + ": " + module + " would reject the tokens Keycloak issues");
        }
    }

    /** Plain env values a Deployment gets from its ConfigMaps (envFrom), later sources winning. */
    static Map<String, String> envFromConfigMaps(Rendered r, String deployment) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode from : Rendered.app(r.get("Deployment", deployment)).path("envFrom")) {
            if (from.has("configMapRef")) {
                r.find("ConfigMap", from.path("configMapRef").path("name").asText())
                        .ifPresent(cm -> cm.path("data")
                                .fields()
                                .forEachRemaining(
                                        e -> env.put(e.getKey(), e.getValue().asText())));
            }
        }
        return env;
    }

    private static void walkContainers(JsonNode object, Consumer<JsonNode> visit) {
        for (String list : List.of("containers", "initContainers")) {
            object.findValues(list).forEach(cs -> cs.forEach(visit));
        }
    }
}
