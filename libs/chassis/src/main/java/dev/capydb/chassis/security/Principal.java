package dev.capydb.chassis.security;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Who is calling: subject, display name, role per organisation and whether they are a platform operator.
 * Built from the access token's {@code orgs} claim (Keycloak group paths {@code /orgs/<org>/<role>}).
 */
public record Principal(String subject, String username, Map<String, OrgRole> orgs, boolean operator) {

    public static final String OPERATOR_ROLE = "operator";

    public Optional<OrgRole> roleIn(String orgId) {
        return Optional.ofNullable(orgs.get(orgId));
    }

    public boolean isAdminOf(String orgId) {
        return roleIn(orgId).filter(r -> r == OrgRole.ADMIN).isPresent();
    }

    /** Parses group paths; unknown shapes are ignored, and the strongest role per org wins. */
    public static Map<String, OrgRole> parseOrgGroups(Collection<String> groups) {
        Map<String, OrgRole> orgs = new HashMap<>();
        for (String group : groups) {
            String[] parts = group.split("/");
            // "/orgs/acme/admin" splits into ["", "orgs", "acme", "admin"].
            if (parts.length != 4 || !parts[0].isEmpty() || !"orgs".equals(parts[1]) || parts[2].isBlank()) {
                continue;
            }
            OrgRole role = switch (parts[3]) {
                case "admin" -> OrgRole.ADMIN;
                case "member" -> OrgRole.MEMBER;
                default -> null;
            };
            if (role != null) {
                orgs.merge(parts[2], role, (a, b) -> a.atLeast(b) ? a : b);
            }
        }
        return Map.copyOf(orgs);
    }
}
