package dev.capydb.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The repository around this module: where things are, which service modules exist, their config. */
final class Repo {

    /** Worker services KEDA scales on consumer-group lag. */
    static final List<String> WORKERS =
            List.of("backup-service", "restore-service", "import-service", "webhook-service");

    /** Services that run PostgreSQL client tools, and the one that also runs a server (PITR). */
    static final List<String> PG_TOOL_USERS = List.of("backup-service", "restore-service", "import-service");

    static final String PG_SERVER_USER = "restore-service";

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern DEPENDENCY = Pattern.compile("(?s)<dependency>(.*?)</dependency>");
    private static final Pattern INCOMING_TOPIC = Pattern.compile("mp\\.messaging\\.incoming\\.(.+)\\.topic");
    private static final String APP_NAME = "${quarkus.application.name}";

    private Repo() {}

    /** The repository root: surefire runs in this module's directory. */
    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("k8s/base")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root (k8s/base + pom.xml) above " + here);
    }

    static Path k8s() {
        return root().resolve("k8s");
    }

    /** Service modules: the root POM's modules ending in -service, plus gateway. */
    static List<String> serviceModules() {
        TreeSet<String> modules = new TreeSet<>();
        Matcher m = MODULE.matcher(read(root().resolve("pom.xml")));
        while (m.find()) {
            String name = m.group(1).trim();
            if (name.endsWith("-service") || name.equals("gateway")) {
                modules.add(name);
            }
        }
        return new ArrayList<>(modules);
    }

    /** A module's application.properties, or null while the module is not on this branch. */
    static Properties applicationProperties(String module) {
        Path file = root().resolve(module).resolve("src/main/resources/application.properties");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        return load(file);
    }

    /** A module's own dependencies (artifactId to scope, compile when unset), from its pom.xml. */
    static Map<String, String> dependencies(String module) {
        Map<String, String> out = new HashMap<>();
        Matcher m = DEPENDENCY.matcher(read(root().resolve(module).resolve("pom.xml")));
        while (m.find()) {
            out.put(
                    tag(m.group(1), "artifactId"),
                    tag(m.group(1), "scope").isEmpty() ? "compile" : tag(m.group(1), "scope"));
        }
        return out;
    }

    private static String tag(String xml, String name) {
        Matcher m =
                Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : "";
    }

    /** Whether the module's running code has this dependency (test-scoped ones do not count). */
    static boolean dependsOn(String module, String artifactId) {
        String scope = dependencies(module).get(artifactId);
        return scope != null && !scope.equals("test");
    }

    /** Services built on libs/chassis: a database of their own (outbox, inbox, read model) and Kafka. */
    static boolean usesChassis(String module) {
        return dependsOn(module, "capydb-chassis");
    }

    /** Services using libs/dataplane at run time: they connect to the data-plane hosts as their admin user. */
    static boolean usesDataplane(String module) {
        return dependsOn(module, "capydb-dataplane");
    }

    /**
     * Services using object storage: libs/dataplane's ObjectStore (libs/dataplane carries quarkus-amazon-s3, so
     * the dependency alone does not tell), or a direct quarkus-amazon-s3.
     */
    static boolean usesObjectStorage(String module) {
        return dependsOn(module, "quarkus-amazon-s3")
                || mainSourcesContain(module, "dev.capydb.dataplane.ObjectStore;");
    }

    /** Whether any of the module's main Java sources contains this text (an import, usually). */
    static boolean mainSourcesContain(String module, String text) {
        Path dir = root().resolve(module).resolve("src/main/java");
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).anyMatch(f -> read(f).contains(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The module's configuration as it runs in production: libs/chassis' defaults (for chassis services) overlaid by
     * its application.properties, without other profiles' keys.
     */
    static Properties runtimeConfig(String module) {
        Properties merged = new Properties();
        if (usesChassis(module)) {
            merged.putAll(
                    load(root().resolve("libs/chassis/src/main/resources/META-INF/microprofile-config.properties")));
        }
        Properties own = applicationProperties(module);
        if (own != null) {
            merged.putAll(own);
        }
        merged.stringPropertyNames().stream().filter(k -> k.startsWith("%")).forEach(merged::remove);
        return merged;
    }

    /** libs/dataplane's defaults (object storage, pgBackRest) as a service runs with them, without profiled keys. */
    static Properties dataplaneConfig() {
        Properties config =
                load(root().resolve("libs/dataplane/src/main/resources/META-INF/microprofile-config.properties"));
        config.stringPropertyNames().stream().filter(k -> k.startsWith("%")).forEach(config::remove);
        return config;
    }

    /** The environment variable Quarkus reads for a key: {@code quarkus.s3.aws.region} is QUARKUS_S3_AWS_REGION. */
    static String envForm(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** An incoming Kafka channel: the topic it reads and the consumer group it reads it with. */
    record Channel(String name, String topic, String group) {}

    /**
     * The module's enabled incoming Kafka channels (mp.messaging.incoming.*), including the chassis' project read
     * model. A channel without a group id reads with the application's name, as Quarkus sets it.
     */
    static List<Channel> incomingChannels(String module) {
        Properties config = runtimeConfig(module);
        String app = config.getProperty("quarkus.application.name", module);
        List<Channel> out = new ArrayList<>();
        for (String key : new TreeSet<>(config.stringPropertyNames())) {
            Matcher m = INCOMING_TOPIC.matcher(key);
            String prefix = "mp.messaging.incoming." + (m.matches() ? m.group(1) : "");
            if (m.matches() && !"false".equals(config.getProperty(prefix + ".enabled"))) {
                String group = config.getProperty(prefix + ".group.id", app).replace(APP_NAME, app);
                out.add(new Channel(m.group(1), config.getProperty(key), group));
            }
        }
        return out;
    }

    /** Consumer group ids of the module's enabled channels. */
    static TreeSet<String> consumerGroups(String module) {
        return incomingChannels(module).stream().map(Channel::group).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Properties load(Path file) {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
