package dev.capydb.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository around this module: where things are, which service modules exist, their config. */
final class Repo {

    /** Worker services KEDA scales on consumer-group lag. */
    static final List<String> WORKERS = List.of("backup-service", "restore-service", "import-service", "webhook-service");

    /** Services that run PostgreSQL client tools, and the one that also runs a server (PITR). */
    static final List<String> PG_TOOL_USERS = List.of("backup-service", "restore-service", "import-service");
    static final String PG_SERVER_USER = "restore-service";

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    private Repo() {
    }

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
