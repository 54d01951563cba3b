package dev.capydb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capydb.gateway.routing.RouteTable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The configured route table sends every public API route to its owner and nothing else anywhere. */
class RouteTableTest {

    private static RouteTable configured() throws Exception {
        return new RouteTable(ConfiguredRoutes.load());
    }

    @ParameterizedTest
    @CsvSource({
        "/v1/projects, project",
        "/v1/projects/, project",
        "/v1/projects/0b7c/, project",
        "/v1/projects/0b7c, project",
        "/v1/projects/0b7c/connection, project",
        "/v1/regions, project",
        "/v1/plans, project",
        "/v1/orgs/acme/limits, project",
        "/v1/projects/0b7c/webhooks/limits, webhook",
        "/v1/projects/0b7c/backups, backup",
        "/v1/projects/0b7c/backups/9f1e, backup",
        "/v1/projects/0b7c/scheduled-backups/default, backup",
        "/v1/projects/0b7c/restores, restore",
        "/v1/projects/0b7c/restores/abc, restore",
        "/v1/projects/0b7c/restore-points/abc, restore",
        "/v1/projects/0b7c/previews/abc/connection, restore",
        "/v1/projects/0b7c/imports/preflight, import",
        "/v1/projects/0b7c/imports/uploads, import",
        "/v1/projects/0b7c/cutover-requests/x, cutover",
        "/v1/operator/cutover-requests, cutover",
        "/v1/operator/cutover-requests/x/execute, cutover",
        "/v1/projects/0b7c/webhooks/w/deliveries/d/redeliver, webhook",
        "/v1/projects/0b7c/integrations, webhook",
        "/v1/projects/0b7c/audit-events, webhook",
    })
    void routesToTheOwner(String path, String service) throws Exception {
        assertEquals(Optional.of(service), configured().serviceFor(path));
    }

    @ParameterizedTest
    @CsvSource({
        "/v1",
        "/v1/nothing",
        "/v1/projects/0b7c/unknown",
        "/v1/projects/0b7c/connection/extra",
        "/v1/operator",
        "/v2/projects",
        "/v1/regions/x",
        "/v1/operator/other",
        "/v1/orgs/acme",
        "/v1/orgs/acme/limits/x"
    })
    void unknownPathsHaveNoOwner(String path) throws Exception {
        assertEquals(Optional.empty(), configured().serviceFor(path));
    }

    @Test
    void doubleStarOnlyAtTheEnd() {
        assertThrows(IllegalArgumentException.class, () -> new RouteTable(Map.of("x", List.of("/a/**/b"))));
    }
}
