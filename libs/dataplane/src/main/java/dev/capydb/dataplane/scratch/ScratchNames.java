package dev.capydb.dataplane.scratch;

import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The names of one kind of scratch object on a data-plane host: {@code prefix} and the 32 lower-case hex digits of the
 * job's id, so a sweep can tell from a name alone which job it belongs to.
 */
public record ScratchNames(String prefix) {

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]*_");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{32}");

    public ScratchNames {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("not a scratch prefix (lower-case, ending in '_'): " + prefix);
        }
    }

    /** The name of job {@code id}'s object. */
    public String name(UUID id) {
        return prefix + id.toString().replace("-", "");
    }

    /** The job a name belongs to; empty for any name that is not exactly the prefix and 32 hex digits. */
    public Optional<UUID> idOf(String name) {
        if (name == null || !name.startsWith(prefix)) {
            return Optional.empty();
        }
        String hex = name.substring(prefix.length());
        if (!HEX.matcher(hex).matches()) {
            return Optional.empty();
        }
        byte[] bytes = HexFormat.of().parseHex(hex);
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (bytes[i] & 0xff);
            low = (low << 8) | (bytes[i + 8] & 0xff);
        }
        return Optional.of(new UUID(high, low));
    }

    /** A {@code LIKE} pattern for every name with this prefix; {@code _} is escaped, or it would match any character. */
    public String likePattern() {
        return prefix.replace("_", "\\_") + "%";
    }
}
