package dev.capydb.k8s;

import static dev.capydb.k8s.Rendered.stream;
import static dev.capydb.k8s.Rendered.texts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The NetworkPolicies of a rendered overlay as a CNI applies them: which rules select a pod and what they admit. */
final class Policies {

    private Policies() {}

    /** One ingress or egress rule of a policy that selects the pod in question; no peers or no ports mean all. */
    record Rule(String policy, List<JsonNode> peers, List<JsonNode> ports) {

        /** Whether the rule covers this TCP port of the destination pod, given by number and by the name it has there. */
        boolean covers(int number, String name) {
            return ports.isEmpty() || ports.stream().anyMatch(p -> coversPort(p, number, name));
        }

        private static boolean coversPort(JsonNode p, int number, String name) {
            if (!p.path("protocol").asText("TCP").equals("TCP")) {
                return false;
            }
            JsonNode port = p.path("port");
            if (port.isMissingNode()) {
                return true;
            }
            if (!port.canConvertToInt()) {
                return port.asText().equals(name);
            }
            return number >= port.asInt() && number <= p.path("endPort").asInt(port.asInt());
        }
    }

    static List<Rule> ingress(Rendered r, JsonNode podLabels) {
        return rules(r, podLabels, "Ingress", "ingress", "from");
    }

    static List<Rule> egress(Rendered r, JsonNode podLabels) {
        return rules(r, podLabels, "Egress", "egress", "to");
    }

    private static List<Rule> rules(Rendered r, JsonNode podLabels, String type, String field, String peers) {
        List<Rule> out = new ArrayList<>();
        for (JsonNode np : r.all("NetworkPolicy")) {
            JsonNode spec = np.path("spec");
            if (texts(spec.path("policyTypes")).contains(type)
                    && Rendered.selects(spec.path("podSelector"), podLabels)) {
                for (JsonNode rule : spec.path(field)) {
                    out.add(new Rule(
                            np.path("metadata").path("name").asText(),
                            stream(rule.path(peers)).toList(),
                            stream(rule.path("ports")).toList()));
                }
            }
        }
        return out;
    }

    /** Whether the policy selects these pods and isolates them in this direction (Ingress or Egress). */
    static boolean isolates(JsonNode policy, JsonNode podLabels, String type) {
        return texts(policy.path("spec").path("policyTypes")).contains(type)
                && Rendered.selects(policy.path("spec").path("podSelector"), podLabels);
    }

    /** A peer picking pods of this namespace by label (no namespaceSelector, no ipBlock) that selects these labels. */
    static boolean podPeerSelects(JsonNode peer, JsonNode labels) {
        return peer.has("podSelector")
                && !peer.has("namespaceSelector")
                && !peer.has("ipBlock")
                && Rendered.selects(peer.path("podSelector"), labels);
    }

    /** The namespace a peer's namespaceSelector names (kubernetes.io/metadata.name), or null for any other peer. */
    static String namespaceOf(JsonNode peer) {
        JsonNode selector = peer.path("namespaceSelector");
        if (selector.isMissingNode() || selector.has("matchExpressions")) {
            return null;
        }
        return selector.path("matchLabels").path("kubernetes.io/metadata.name").asText(null);
    }

    /** Whether a rule admits a pod of this namespace with these labels on this port. */
    static boolean admitsPod(List<Rule> rules, JsonNode labels, int port, String portName) {
        return rules.stream()
                .anyMatch(rule -> rule.covers(port, portName)
                        && (rule.peers().isEmpty() || rule.peers().stream().anyMatch(p -> podPeerSelects(p, labels))));
    }

    /** Whether a rule admits an address block on this port (a peer whose ipBlock is exactly this CIDR). */
    static boolean admitsBlock(List<Rule> rules, String cidr, int port) {
        return rules.stream()
                .anyMatch(rule -> rule.covers(port, null)
                        && rule.peers().stream()
                                .anyMatch(p ->
                                        p.path("ipBlock").path("cidr").asText().equals(cidr)));
    }
}
