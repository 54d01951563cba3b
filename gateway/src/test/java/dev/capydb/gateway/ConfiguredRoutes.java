package dev.capydb.gateway;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** The gateway's route table as its application.properties configures it, read without starting the gateway. */
final class ConfiguredRoutes {

    private static final String PREFIX = "capydb.gateway.routes.";

    private ConfiguredRoutes() {}

    /** Each service's path patterns, by the service's route-table name ({@code project}, {@code backup}, …). */
    static Map<String, List<String>> load() throws Exception {
        Properties props = new Properties();
        try (InputStream in = ConfiguredRoutes.class.getResourceAsStream("/application.properties")) {
            props.load(in);
        }
        Map<String, List<String>> routes = new TreeMap<>();
        props.stringPropertyNames().stream()
                .filter(k -> k.startsWith(PREFIX))
                .forEach(k -> routes.put(
                        k.substring(PREFIX.length()),
                        Arrays.asList(props.getProperty(k).split(","))));
        return routes;
    }
}
