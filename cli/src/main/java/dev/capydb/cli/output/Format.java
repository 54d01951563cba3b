package dev.capydb.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/** Turning JSON values, byte counts and durations into short human text. */
public final class Format {

    private Format() {}

    /** {@code a.b.c} into nested objects; null when any step is missing. */
    public static JsonNode at(JsonNode node, String dotted) {
        JsonNode cur = node;
        for (String part : dotted.split("\\.")) {
            if (cur == null || cur.isNull()) {
                return null;
            }
            cur = cur.get(part);
        }
        return cur;
    }

    public static String text(JsonNode v) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isArray()) {
            StringJoiner j = new StringJoiner(",");
            v.forEach(e -> j.add(e.isValueNode() ? e.asText() : e.toString()));
            return j.toString();
        }
        if (v.isObject()) {
            return v.toString();
        }
        return time(v.asText());
    }

    private static final Pattern TIMESTAMP = Pattern.compile("(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)\\.\\d+Z");

    /** RFC 3339 to the second: humans do not need the microseconds (the JSON keeps them). */
    static String time(String s) {
        var m = TIMESTAMP.matcher(s);
        return m.matches() ? m.group(1) + "Z" : s;
    }

    public static String bytes(JsonNode v) {
        return v == null || v.isNull() || !v.isNumber() ? null : bytes(v.asLong());
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double d = n;
        int u = -1;
        while (d >= 1024 && u < units.length - 1) {
            d /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", d, units[u]);
    }

    public static String elapsed(long millis) {
        long s = millis / 1000;
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
