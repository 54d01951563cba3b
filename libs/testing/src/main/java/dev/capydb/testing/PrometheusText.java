package dev.capydb.testing;

import java.util.List;

/** Reads samples out of a {@code /q/metrics} page (Prometheus text format), for tests of a service's metrics. */
public final class PrometheusText {

    private PrometheusText() {}

    /** The sum of every sample of {@code name} whose label set contains all of {@code labels} (0 when none). */
    public static double sum(String page, String name, String... labels) {
        double sum = 0;
        for (String line : page.split("\n")) {
            if ((line.startsWith(name + "{") || line.startsWith(name + " "))
                    && List.of(labels).stream().allMatch(line::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** {@code key="value"}, as a label appears on a sample line. */
    public static String label(String key, String value) {
        return key + "=\"" + value + "\"";
    }
}
