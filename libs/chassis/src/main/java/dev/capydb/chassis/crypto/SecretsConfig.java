package dev.capydb.chassis.crypto;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * The service's sealing keys: its own keys by id ({@code capydb.secrets.keys.<id>}, environment
 * {@code CAPYDB_SECRETS_KEYS_<ID>}), the one new values are sealed with, and the single key of before.
 */
@ConfigMapping(prefix = "capydb.secrets")
public interface SecretsConfig {

    /**
     * Base64 of a 32-byte AES key per key id. Ids are lower-case letters and digits: an environment variable's name
     * cannot carry more, and it reaches the map lower-cased.
     */
    Map<String, String> keys();

    /** The id of the key new values are sealed with; {@value KeyRing#LEGACY_ID} is the single key below. */
    @WithDefault(KeyRing.LEGACY_ID)
    String activeKey();

    /**
     * The single key every service shared before each had its own: key id {@value KeyRing#LEGACY_ID}, and the key
     * of {@code v1} values, which were sealed without associated data.
     */
    Optional<String> key();
}
