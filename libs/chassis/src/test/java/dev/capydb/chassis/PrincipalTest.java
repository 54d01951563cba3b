package dev.capydb.chassis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.chassis.security.OrgRole;
import dev.capydb.chassis.security.Principal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Org roles from Keycloak group paths. */
class PrincipalTest {

    @Test
    void parsesGroupPathsAndKeepsTheStrongestRole() {
        assertEquals(
                Map.of("acme", OrgRole.ADMIN, "globex", OrgRole.MEMBER),
                Principal.parseOrgGroups(List.of(
                        "/orgs/acme/member",
                        "/orgs/acme/admin",
                        "/orgs/globex/member",
                        "/other/x/admin",
                        "/orgs/x/owner",
                        "orgs/y/admin",
                        "/orgs//admin",
                        "/orgs/z/admin/extra")));
    }
}
