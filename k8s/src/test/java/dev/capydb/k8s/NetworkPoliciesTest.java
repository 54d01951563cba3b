package dev.capydb.k8s;

import static dev.capydb.k8s.Rendered.stream;
import static dev.capydb.k8s.Rendered.texts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capydb.k8s.Policies.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The namespace's network perimeter in every overlay: deny everything, then allow only the flows the code needs. */
class NetworkPoliciesTest {

    /** Namespaces outside the platform that reach into it (placeholders documented in k8s/README.md). */
    static final String INGRESS_CONTROLLER = "ingress-nginx";

    static final String MONITORING = "monitoring";
    static final String KEDA = "keda";
    static final String CNPG_OPERATOR = "cnpg-system";

    static final int POSTGRES = 5432;
    /** pgBackRest's TLS server on a data-plane host. */
    static final int PGBACKREST_TLS = 8432;

    static final int OBJECT_STORAGE = 443;
    static final int KEYCLOAK_HTTP = 8080;

    /** Services that connect to addresses users choose (docs/architecture.md, "Egress"). */
    static final Set<String> USER_CHOSEN_EGRESS = Set.of("import-service", "webhook-service");

    /** What internet egress must leave out: private (RFC 1918), CGNAT, link-local with cloud metadata, loopback. */
    static final List<String> NOT_INTERNET_V4 = List.of(
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "169.254.0.0/16",
            "127.0.0.0/8",
            "0.0.0.0/8");

    static final List<String> NOT_INTERNET_V6 = List.of("::1/128", "fc00::/7", "fe80::/10", "::ffff:0:0/96");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Every pod a policy may name: the services (their Deployments' labels) and the operators' pods with the labels
     * the operators give them (Strimzi: strimzi.io/cluster; CloudNativePG: cnpg.io/cluster; the Keycloak operator: app,
     * app.kubernetes.io/instance and managed-by, app=keycloak-realm-import on its import Job).
     */
    static Map<String, JsonNode> pods(Rendered r) {
        Map<String, JsonNode> pods = new LinkedHashMap<>();
        for (String module : Repo.serviceModules()) {
            pods.put(module, Rendered.podLabels(r.get("Deployment", module)));
        }
        String kafka = r.all("Kafka").get(0).path("metadata").path("name").asText();
        String database = r.all("Cluster").get(0).path("metadata").path("name").asText();
        String keycloak = r.all("Keycloak").get(0).path("metadata").path("name").asText();
        pods.put(
                "kafka",
                labels("strimzi.io/cluster", kafka, "strimzi.io/kind", "Kafka", "app.kubernetes.io/instance", kafka));
        pods.put("database", labels("cnpg.io/cluster", database, "cnpg.io/podRole", "instance"));
        pods.put(
                "keycloak",
                labels(
                        "app",
                        "keycloak",
                        "app.kubernetes.io/instance",
                        keycloak,
                        "app.kubernetes.io/managed-by",
                        "keycloak-operator",
                        "app.kubernetes.io/component",
                        "server"));
        pods.put(
                "realm-import",
                labels(
                        "app",
                        "keycloak-realm-import",
                        "app.kubernetes.io/instance",
                        keycloak,
                        "app.kubernetes.io/managed-by",
                        "keycloak-operator"));
        return pods;
    }

    private static JsonNode labels(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return JSON.valueToTree(map);
    }

    /** The port Kafka's clients use: its (only) listener. */
    static int kafkaPort(Rendered r) {
        return r.all("Kafka")
                .get(0)
                .path("spec")
                .path("kafka")
                .path("listeners")
                .get(0)
                .path("port")
                .asInt();
    }

    private static Set<String> services(Predicate<String> which) {
        return Repo.serviceModules().stream().filter(which).collect(Collectors.toCollection(TreeSet::new));
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void everythingIsDeniedUnlessAllowed(String overlay) {
        assertTrue(
                ManifestsTest.render(overlay).all("NetworkPolicy").stream()
                        .anyMatch(np -> np.path("spec").path("podSelector").isEmpty()
                                && texts(np.path("spec").path("policyTypes")).containsAll(List.of("Ingress", "Egress"))
                                && np.path("spec").path("ingress").isEmpty()
                                && np.path("spec").path("egress").isEmpty()),
                overlay + ": no default-deny policy (empty pod selector, Ingress and Egress, no rules)");
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void everyPodResolvesNames(String overlay) {
        JsonNode dns = labels("k8s-app", "kube-dns");
        boolean found = ManifestsTest.render(overlay).all("NetworkPolicy").stream()
                .filter(np -> np.path("spec").path("podSelector").isEmpty())
                .flatMap(np -> stream(np.path("spec").path("egress")))
                .anyMatch(rule -> stream(rule.path("to"))
                                .anyMatch(p -> "kube-system".equals(Policies.namespaceOf(p))
                                        && Rendered.selects(p.path("podSelector"), dns))
                        && Set.of("UDP", "TCP").stream()
                                .allMatch(protocol -> stream(rule.path("ports"))
                                        .anyMatch(
                                                p -> p.path("protocol").asText().equals(protocol)
                                                        && p.path("port").asInt() == 53)));
        assertTrue(found, overlay + ": not every pod may reach kube-dns on UDP and TCP 53");
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void servicesAreReachedOnlyThroughTheGateway(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        Map<String, JsonNode> pods = pods(r);
        for (String module : Repo.serviceModules()) {
            JsonNode app = Rendered.app(r.get("Deployment", module));
            // The gateway is the public entry; project-service also answers webhook-service's /internal calls (a path a
            // NetworkPolicy cannot see: project-service checks the caller's role).
            Set<String> callers = module.equals("gateway")
                    ? Set.of()
                    : module.equals("project-service") ? Set.of("gateway", "webhook-service") : Set.of("gateway");
            Set<String> namespaces = module.equals("gateway") ? Set.of(INGRESS_CONTROLLER) : Set.of();
            assertAdmitsExactly(
                    r,
                    pods,
                    overlay + " " + module + " (API)",
                    module,
                    ManifestsTest.containerPort(app, "http"),
                    "http",
                    callers,
                    namespaces);
            assertAdmitsExactly(
                    r,
                    pods,
                    overlay + " " + module + " (management)",
                    module,
                    ManifestsTest.containerPort(app, "management"),
                    "management",
                    Set.of(),
                    Set.of(MONITORING));
            for (Rule rule : Policies.ingress(r, pods.get(module))) {
                assertFalse(rule.ports().isEmpty(), overlay + ": " + rule.policy() + " opens every port of " + module);
            }
            for (JsonNode port : r.get("Service", module).path("spec").path("ports")) {
                assertFalse(
                        Set.of("management", String.valueOf(ManifestsTest.MANAGEMENT_PORT))
                                .contains(port.path("targetPort").asText()),
                        overlay + ": Service " + module + " exposes the management port");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void infrastructureIsReachedOnlyByItsClients(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        Map<String, JsonNode> pods = pods(r);
        Set<String> chassis = services(Repo::usesChassis);
        Set<String> kafkaPeers = new TreeSet<>(chassis);
        kafkaPeers.add("kafka");
        assertAdmitsExactly(r, pods, overlay + " Kafka", "kafka", kafkaPort(r), null, kafkaPeers, Set.of(KEDA));
        Set<String> databasePeers = new TreeSet<>(chassis);
        databasePeers.addAll(List.of("database", "keycloak", "realm-import"));
        assertAdmitsExactly(
                r, pods, overlay + " database", "database", POSTGRES, null, databasePeers, Set.of(CNPG_OPERATOR));
        // Every service checks tokens against Keycloak's keys; browsers come through the ingress controller.
        assertAdmitsExactly(
                r,
                pods,
                overlay + " Keycloak",
                "keycloak",
                KEYCLOAK_HTTP,
                null,
                new TreeSet<>(Repo.serviceModules()),
                Set.of(INGRESS_CONTROLLER));
        // The Keycloak operator's own policy would admit every source to Keycloak's HTTP port.
        assertFalse(
                r.all("Keycloak")
                        .get(0)
                        .path("spec")
                        .path("networkPolicy")
                        .path("enabled")
                        .asBoolean(true),
                overlay + ": the Keycloak operator's NetworkPolicy must be off (network/infrastructure.yaml decides)");
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void kafkaListenersAdmitOnlyTheirClients(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        Map<String, JsonNode> pods = pods(r);
        // Strimzi turns networkPolicyPeers into a policy of its own; without peers it admits everyone.
        for (JsonNode listener :
                r.all("Kafka").get(0).path("spec").path("kafka").path("listeners")) {
            List<JsonNode> peers = stream(listener.path("networkPolicyPeers")).toList();
            assertFalse(
                    peers.isEmpty(),
                    overlay + ": Kafka listener " + listener.path("name").asText() + " admits everyone");
            for (JsonNode peer : peers) {
                String namespace = Policies.namespaceOf(peer);
                if (namespace != null) {
                    assertEquals(KEDA, namespace, overlay + ": Kafka listener admits namespace " + namespace);
                    continue;
                }
                for (String module : Repo.serviceModules()) {
                    assertEquals(
                            Repo.usesChassis(module),
                            Policies.podPeerSelects(peer, pods.get(module)),
                            overlay + ": Kafka listener peer " + peer + " and " + module);
                }
            }
        }
    }

    /**
     * The rules that cover this port of the target's pods admit exactly the allowed pods among all the pods there are,
     * and from other namespaces only the allowed ones (by name); never an address block or everyone.
     */
    private static void assertAdmitsExactly(
            Rendered r,
            Map<String, JsonNode> pods,
            String what,
            String target,
            int port,
            String portName,
            Set<String> allowedPods,
            Set<String> allowedNamespaces) {
        List<Rule> rules = Policies.ingress(r, pods.get(target)).stream()
                .filter(rule -> rule.covers(port, portName))
                .toList();
        Set<String> admitted = pods.keySet().stream()
                .filter(name -> Policies.admitsPod(rules, pods.get(name), port, portName))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(allowedPods), admitted, what + ": pods admitted on port " + port);
        for (Rule rule : rules) {
            assertFalse(rule.peers().isEmpty(), what + ": " + rule.policy() + " admits everyone on port " + port);
            for (JsonNode peer : rule.peers()) {
                if (peer.has("namespaceSelector") || peer.has("ipBlock")) {
                    assertTrue(
                            allowedNamespaces.contains(Policies.namespaceOf(peer)),
                            what + ": " + rule.policy() + " admits " + peer + " on port " + port);
                }
            }
        }
        for (String namespace : allowedNamespaces) {
            assertTrue(
                    rules.stream()
                            .flatMap(rule -> rule.peers().stream())
                            .anyMatch(p -> namespace.equals(Policies.namespaceOf(p))),
                    what + ": namespace " + namespace + " cannot reach port " + port);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void servicesReachOnlyWhatTheirCodeUses(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        Map<String, JsonNode> pods = pods(r);
        for (String module : Repo.serviceModules()) {
            String where = overlay + " " + module;
            List<Rule> egress = Policies.egress(r, pods.get(module));
            assertEquals(
                    Repo.usesChassis(module),
                    Policies.admitsPod(egress, pods.get("kafka"), kafkaPort(r), null),
                    where + ": Kafka");
            assertEquals(
                    Repo.usesChassis(module),
                    Policies.admitsPod(egress, pods.get("database"), POSTGRES, null),
                    where + ": control-plane database");
            assertTrue(
                    Policies.admitsPod(egress, pods.get("keycloak"), KEYCLOAK_HTTP, null),
                    where + ": Keycloak (token keys)");
            assertEquals(
                    Repo.usesObjectStorage(module),
                    !addressBlocks(egress, OBJECT_STORAGE).isEmpty(),
                    where + ": object storage (ObjectStore of libs/dataplane)");
            assertEquals(
                    Repo.usesDataplane(module),
                    !addressBlocks(egress, POSTGRES).isEmpty(),
                    where + ": data-plane hosts (libs/dataplane)");
            assertEquals(
                    takesBaseBackups(module),
                    !addressBlocks(egress, PGBACKREST_TLS).isEmpty(),
                    where + ": the PITR hosts' pgBackRest TLS servers");
            for (String other : Repo.serviceModules()) {
                JsonNode app = Rendered.app(r.get("Deployment", other));
                boolean expected = module.equals("gateway") && !other.equals("gateway")
                        || module.equals("webhook-service") && other.equals("project-service");
                assertEquals(
                        expected,
                        Policies.admitsPod(egress, pods.get(other), ManifestsTest.containerPort(app, "http"), "http"),
                        where + " -> " + other);
            }
            boolean internet = USER_CHOSEN_EGRESS.contains(module);
            for (String anywhere : List.of("0.0.0.0/0", "::/0")) {
                assertEquals(
                        internet,
                        egress.stream()
                                .flatMap(rule -> rule.peers().stream())
                                .anyMatch(p ->
                                        p.path("ipBlock").path("cidr").asText().equals(anywhere)),
                        where + ": egress to " + anywhere);
            }
            for (Rule rule : egress) {
                assertFalse(rule.peers().isEmpty(), where + ": " + rule.policy() + " allows egress to everywhere");
                for (JsonNode peer : rule.peers()) {
                    String cidr = peer.path("ipBlock").path("cidr").asText(null);
                    if (cidr != null && !cidr.endsWith("/0")) {
                        // Address blocks other than the internet are the object store (HTTPS) and the data plane
                        // (PostgreSQL).
                        assertFalse(
                                rule.ports().isEmpty(), where + ": " + rule.policy() + " opens every port of " + cidr);
                        Set<Integer> allowed = new TreeSet<>();
                        if (Repo.usesObjectStorage(module)) {
                            allowed.add(OBJECT_STORAGE);
                        }
                        if (Repo.usesDataplane(module)) {
                            allowed.add(POSTGRES);
                        }
                        if (takesBaseBackups(module)) {
                            allowed.add(PGBACKREST_TLS);
                        }
                        rule.ports()
                                .forEach(p -> assertTrue(
                                        allowed.contains(p.path("port").asInt()),
                                        where + ": " + rule.policy() + " opens " + cidr + " port "
                                                + p.path("port").asText()));
                    }
                }
            }
        }
    }

    /** Base backups of PITR hosts on other machines run through the hosts' pgBackRest TLS servers. */
    private static boolean takesBaseBackups(String module) {
        return Repo.mainSourcesContain(module, "pgBackRest.backup(");
    }

    /** The address blocks (other than the whole internet) an egress rule opens on this port. */
    private static Set<String> addressBlocks(List<Rule> egress, int port) {
        return egress.stream()
                .filter(rule -> !rule.ports().isEmpty() && rule.covers(port, null))
                .flatMap(rule -> rule.peers().stream())
                .map(p -> p.path("ipBlock").path("cidr").asText(""))
                .filter(cidr -> !cidr.isEmpty() && !cidr.endsWith("/0"))
                .collect(Collectors.toSet());
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void internetEgressLeavesOutPrivateAndMetadataRanges(String overlay) {
        Rendered r = ManifestsTest.render(overlay);
        Map<String, JsonNode> pods = pods(r);
        int checked = 0;
        for (JsonNode np : r.all("NetworkPolicy")) {
            String name = np.path("metadata").path("name").asText();
            for (JsonNode block : np.findValues("ipBlock")) {
                String cidr = block.path("cidr").asText();
                if (!cidr.endsWith("/0")) {
                    continue;
                }
                Set<String> selected = pods.keySet().stream()
                        .filter(pod -> Policies.isolates(np, pods.get(pod), "Egress"))
                        .collect(Collectors.toCollection(TreeSet::new));
                assertEquals(
                        new TreeSet<>(USER_CHOSEN_EGRESS), selected, overlay + ": " + name + " opens " + cidr + " to");
                assertTrue(np.path("spec").path("ingress").isEmpty(), overlay + ": " + name + " admits " + cidr);
                List<String> required = cidr.contains(":") ? NOT_INTERNET_V6 : NOT_INTERNET_V4;
                assertTrue(
                        texts(block.path("except")).containsAll(required),
                        overlay + ": " + name + " lets " + selected + " reach private or metadata addresses: "
                                + block.path("except"));
                checked++;
            }
        }
        assertEquals(2, checked, overlay + ": internet egress must be one IPv4 and one IPv6 block");
    }
}
