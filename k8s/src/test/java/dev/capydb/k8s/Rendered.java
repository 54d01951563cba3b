package dev.capydb.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One overlay rendered by {@code kubectl kustomize}, with lookups by kind and name. */
final class Rendered {

    private static final YAMLMapper YAML = new YAMLMapper();

    final String overlay;
    final List<JsonNode> objects;

    private Rendered(String overlay, List<JsonNode> objects) {
        this.overlay = overlay;
        this.objects = objects;
    }

    private static Boolean kubectl;

    /** Whether kubectl (with its built-in kustomize) can be run here; asked once per test run. */
    static synchronized boolean kubectlAvailable() {
        if (kubectl == null) {
            kubectl = runsKubectl();
        }
        return kubectl;
    }

    private static boolean runsKubectl() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Fails the calling test (or class) when kubectl is missing: a build without it must not pass green with the
     * manifests unchecked.
     */
    static void requireKubectl() {
        if (!kubectlAvailable()) {
            throw new AssertionError("kubectl not found on PATH: the k8s manifests cannot be rendered; install kubectl"
                    + " (it ships with the build image)");
        }
    }

    static Rendered overlay(String name) {
        return of(name, kustomize(Repo.k8s().resolve("overlays").resolve(name).toString()));
    }

    static Rendered of(String overlay, String yaml) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    objects.add(doc);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("kustomize output of " + overlay + " is not YAML", e);
        }
        return new Rendered(overlay, objects);
    }

    private static String kustomize(String dir) {
        try {
            Process p = new ProcessBuilder("kubectl", "kustomize", dir).start();
            // Read both streams before waiting so a large output cannot block the child.
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + err);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run kubectl kustomize " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    List<JsonNode> all(String kind) {
        return objects.stream()
                .filter(o -> kind.equals(o.path("kind").asText()))
                .toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return all(kind).stream()
                .filter(o -> name.equals(o.path("metadata").path("name").asText()))
                .findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError(overlay + ": no " + kind + " named " + name));
    }

    /** The Deployment's only container (every service pod runs one, named app). */
    static JsonNode app(JsonNode deployment) {
        for (JsonNode c : deployment.path("spec").path("template").path("spec").path("containers")) {
            if ("app".equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError(
                "Deployment " + deployment.path("metadata").path("name").asText() + " has no container named app");
    }

    /** The labels of the Deployment's pods. */
    static JsonNode podLabels(JsonNode deployment) {
        return deployment.path("spec").path("template").path("metadata").path("labels");
    }

    static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out.stream();
    }

    static Set<String> texts(JsonNode array) {
        return stream(array).map(JsonNode::asText).collect(Collectors.toSet());
    }

    /**
     * Whether a label selector (matchLabels; In, NotIn, Exists and DoesNotExist expressions) selects an object with
     * these labels. An empty selector selects everything, as in a NetworkPolicy.
     */
    static boolean selects(JsonNode selector, JsonNode labels) {
        boolean[] ok = {true};
        selector.path("matchLabels")
                .fields()
                .forEachRemaining(e -> ok[0] &=
                        e.getValue().asText().equals(labels.path(e.getKey()).asText(null)));
        for (JsonNode expr : selector.path("matchExpressions")) {
            JsonNode value = labels.path(expr.path("key").asText());
            boolean in = texts(expr.path("values")).contains(value.asText(null));
            ok[0] &= switch (expr.path("operator").asText()) {
                case "In" -> in;
                case "NotIn" -> !in;
                case "Exists" -> !value.isMissingNode();
                case "DoesNotExist" -> value.isMissingNode();
                default -> throw new AssertionError("unknown selector operator " + expr);
            };
        }
        return ok[0];
    }
}
