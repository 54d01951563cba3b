package dev.capydb.k8s;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Binds every rendered built-in object and Strimzi resource to its typed model, so a misspelt or misplaced field
 * (which kustomize passes through untouched) fails here instead of at kubectl apply.
 */
class SchemaTest {

    /** apiVersion/kind to its model. */
    static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            // Strimzi 1.x serves only its v1 API; an older apiVersion has no model here and fails.
            Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1/KafkaUser", KafkaUser.class));

    /** Groups of custom resources without a Java model; ManifestsTest checks what matters in those. */
    static final List<String> CUSTOM_GROUPS = List.of("postgresql.cnpg.io", "keda.sh", "k8s.keycloak.org");

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void kubectl() {
        Rendered.requireKubectl();
    }

    @ParameterizedTest
    @MethodSource("dev.capydb.k8s.ManifestsTest#overlays")
    void builtInObjectsHaveOnlyKnownFields(String overlay) throws Exception {
        int checked = 0;
        for (JsonNode o : ManifestsTest.render(overlay).objects) {
            String type = o.path("apiVersion").asText() + "/" + o.path("kind").asText();
            Class<?> model = MODELS.get(type);
            String where =
                    overlay + " " + type + " " + o.path("metadata").path("name").asText();
            if (model == null) {
                String group = o.path("apiVersion").asText().replaceFirst("/[^/]*$", "");
                assertTrue(CUSTOM_GROUPS.contains(group), where + ": no model in SchemaTest.MODELS for this kind");
                continue;
            }
            // A set: one model object can be reached through two getters (an alias kept for compatibility).
            Set<String> unknown = new TreeSet<>();
            collectUnknown(JSON.treeToValue(o, model), "", unknown);
            assertTrue(unknown.isEmpty(), where + ": unknown fields " + unknown);
            checked++;
        }
        assertFalse(checked == 0, overlay + ": nothing checked");
    }

    /** Fabric8 and Strimzi models keep fields they do not know in additionalProperties; any entry is a mistake. */
    static void collectUnknown(Object node, String path, Set<String> unknown) throws ReflectiveOperationException {
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectUnknown(list.get(i), path + "[" + i + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                collectUnknown(e.getValue(), path + "." + e.getKey(), unknown);
            }
            return;
        }
        if (node == null
                || !(node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")
                        || node.getClass().getName().startsWith("io.strimzi.api.kafka.model"))) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || Modifier.isStatic(m.getModifiers())
                    || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(node);
            } catch (InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra) {
                    extra.keySet().forEach(k -> unknown.add(path + "." + k));
                }
            } else {
                collectUnknown(value, path + "." + decapitalize(m.getName().substring(3)), unknown);
            }
        }
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
