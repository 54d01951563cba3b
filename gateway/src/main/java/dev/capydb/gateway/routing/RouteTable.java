package dev.capydb.gateway.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps a request path to the service that owns it, from path patterns: {@code *} matches one segment, a
 * trailing {@code **} any number of segments (including none). The most literal pattern wins.
 */
public final class RouteTable {

    private record Rule(String service, String[] segments, boolean tail, int literals) {}

    private final List<Rule> rules;

    public RouteTable(Map<String, List<String>> patternsByService) {
        List<Rule> all = new ArrayList<>();
        patternsByService.forEach((service, patterns) -> patterns.forEach(p -> all.add(rule(service, p))));
        all.sort(Comparator.comparingInt(Rule::literals).reversed());
        this.rules = List.copyOf(all);
    }

    private static Rule rule(String service, String pattern) {
        List<String> parts = new ArrayList<>(List.of(split(pattern.trim())));
        boolean tail = !parts.isEmpty() && parts.get(parts.size() - 1).equals("**");
        if (tail) {
            parts.remove(parts.size() - 1);
        }
        if (parts.contains("**")) {
            throw new IllegalArgumentException("'**' may only end a route pattern: " + pattern);
        }
        int literals = (int) parts.stream().filter(s -> !s.equals("*")).count();
        return new Rule(service, parts.toArray(String[]::new), tail, literals);
    }

    private static String[] split(String path) {
        String trimmed = path.replaceAll("^/+|/+$", "");
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/+");
    }

    /** The owning service of {@code path} (no query string), if any pattern matches. */
    public Optional<String> serviceFor(String path) {
        String[] segments = split(path);
        for (Rule rule : rules) {
            if (matches(rule, segments)) {
                return Optional.of(rule.service);
            }
        }
        return Optional.empty();
    }

    private static boolean matches(Rule rule, String[] segments) {
        if (rule.tail ? segments.length < rule.segments.length : segments.length != rule.segments.length) {
            return false;
        }
        for (int i = 0; i < rule.segments.length; i++) {
            if (!rule.segments[i].equals("*") && !rule.segments[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }
}
