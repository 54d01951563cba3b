package dev.capydb.project.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/** Project defaults and the plans on offer, with their storage limits. */
@ConfigMapping(prefix = "capydb.projects")
public interface ProjectsConfig {

    @WithDefault("local-1")
    String defaultRegion();

    @WithDefault("free")
    String defaultPlan();

    /** Live projects one organisation may have; {@code GET /v1/orgs/{orgId}/limits} shows it with the count. */
    @WithDefault("20")
    int maxPerOrg();

    /** Plans by id. */
    Map<String, Plan> plans();

    /** One plan. */
    interface Plan {
        String displayName();

        long storageLimitMib();
    }
}
