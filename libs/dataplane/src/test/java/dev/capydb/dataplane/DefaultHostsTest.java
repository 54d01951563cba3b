package dev.capydb.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The library's own configuration names the local stack's hosts for tests and dev mode only: hosts form a map, so an
 * unprofiled default would be merged into every production deployment's hosts. The jars dev/stack runs get the same
 * hosts from dev/dataplane.properties.
 */
class DefaultHostsTest {

    private static Properties load(InputStream in) throws Exception {
        Properties p = new Properties();
        try (in) {
            p.load(in);
        }
        return p;
    }

    @Test
    void theLibraryDefinesHostsOnlyForTestsAndDevMode() throws Exception {
        Properties lib = load(DefaultHostsTest.class.getResourceAsStream("/META-INF/microprofile-config.properties"));
        Set<String> hostKeys = lib.stringPropertyNames().stream()
                .filter(k -> k.contains("capydb.dataplane.hosts."))
                .collect(Collectors.toSet());
        assertFalse(hostKeys.isEmpty());
        assertTrue(
                hostKeys.stream().allMatch(k -> k.startsWith("%test.") || k.startsWith("%dev.")),
                "unprofiled host keys would reach production: " + hostKeys);
    }

    @Test
    void theLocalStackGetsTheSameHostsFromItsOwnFile() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.exists(repo.resolve("dev/dataplane.properties"))) {
            repo = repo.getParent();
        }
        Properties dev = load(Files.newInputStream(repo.resolve("dev/dataplane.properties")));
        Properties lib = load(DefaultHostsTest.class.getResourceAsStream("/META-INF/microprofile-config.properties"));
        Set<String> testHosts = lib.stringPropertyNames().stream()
                .filter(k -> k.startsWith("%test.capydb.dataplane.hosts."))
                .collect(Collectors.toSet());
        assertEquals(
                testHosts.stream().map(k -> k.substring("%test.".length())).collect(Collectors.toSet()),
                dev.stringPropertyNames());
        testHosts.forEach(k -> assertEquals(lib.getProperty(k), dev.getProperty(k.substring("%test.".length())), k));
    }
}
