package dev.capydb.chassis.crypto;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

/** The keys a service opens sealed values with, by id, and the id of the one it seals with. */
record KeyRing(Map<String, SecretKeySpec> keys, String activeId) {

    /** The id of the single key of before ({@code capydb.secrets.key}). */
    static final String LEGACY_ID = "k0";
    // The id is part of every value and of an environment variable's name.
    private static final Pattern ID = Pattern.compile("[a-z0-9]+");

    static KeyRing of(SecretsConfig config) {
        Map<String, SecretKeySpec> keys = new TreeMap<>();
        config.keys().forEach((id, base64) -> {
            requireId(id, "capydb.secrets.keys." + id);
            if (!base64.isBlank()) {
                keys.put(id, parse(id, base64));
            }
        });
        config.key().filter(k -> !k.isBlank()).map(k -> parse(LEGACY_ID, k)).ifPresent(legacy -> {
            SecretKeySpec k0 = keys.putIfAbsent(LEGACY_ID, legacy);
            if (k0 != null && !k0.equals(legacy)) {
                throw new IllegalArgumentException("capydb.secrets.key and capydb.secrets.keys." + LEGACY_ID
                        + " differ; both name key " + LEGACY_ID);
            }
        });
        requireId(config.activeKey(), "capydb.secrets.active-key");
        return new KeyRing(Map.copyOf(keys), config.activeKey());
    }

    Optional<SecretKeySpec> key(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    private static void requireId(String id, String where) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(where + ": a key id is lower-case letters and digits, not '" + id + "'");
        }
    }

    private static SecretKeySpec parse(String id, String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("secrets key " + id + " is not base64");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("secrets key " + id + " must be base64 of 32 bytes, got " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }
}
