package dev.capydb.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Human tables: aligned columns, a header, status words coloured when writing to a terminal. */
public final class Table {

    /** One column: a header and how to get its text from a row. */
    public record Column(String header, Function<JsonNode, String> value) {

        /** A top-level or dotted field ({@code pitr.available}), shown as is. */
        public static Column of(String header, String field) {
            return new Column(header, row -> Format.text(Format.at(row, field)));
        }
    }

    private Table() {}

    public static String render(List<Column> columns, Iterable<JsonNode> rows, boolean colour) {
        List<String[]> cells = new ArrayList<>();
        for (JsonNode row : rows) {
            String[] r = new String[columns.size()];
            for (int i = 0; i < r.length; i++) {
                String v = columns.get(i).value().apply(row);
                r[i] = v == null ? "-" : v.replace('\n', ' ');
            }
            cells.add(r);
        }
        int[] width = new int[columns.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = columns.get(i).header().length();
            for (String[] r : cells) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        String[] headers =
                columns.stream().map(c -> c.header().toUpperCase(Locale.ROOT)).toArray(String[]::new);
        line(sb, headers, width, null, false);
        for (String[] r : cells) {
            line(sb, r, width, headers, colour);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] r, int[] width, String[] headers, boolean colour) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
            String cell = r[i];
            boolean last = i == r.length - 1;
            String padded = last ? cell : cell + " ".repeat(width[i] - cell.length() + 2);
            if (colour && headers != null && headers[i].equals("STATUS")) {
                // Padding is added before the escape codes so the columns stay aligned.
                padded = Ansi.status(cell) + padded.substring(cell.length());
            }
            l.append(padded);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    /** One resource, one {@code field: value} line per field (objects flattened with dots). */
    public static String vertical(JsonNode node, boolean colour) {
        List<String[]> lines = new ArrayList<>();
        flatten("", node, lines);
        int w = lines.stream().mapToInt(l -> l[0].length()).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (String[] l : lines) {
            String v = colour && l[0].equals("status") ? Ansi.status(l[1]) : l[1];
            sb.append(l[0])
                    .append(':')
                    .append(" ".repeat(w - l[0].length() + 1))
                    .append(v)
                    .append('\n');
        }
        return sb.toString();
    }

    private static void flatten(String prefix, JsonNode node, List<String[]> out) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                JsonNode v = e.getValue();
                if (v.isObject() && !v.isEmpty()) {
                    flatten(key, v, out);
                } else if (!v.isNull()) {
                    out.add(new String[] {key, Format.text(v)});
                }
            });
        } else {
            out.add(new String[] {prefix.isEmpty() ? "value" : prefix, Format.text(node)});
        }
    }
}
