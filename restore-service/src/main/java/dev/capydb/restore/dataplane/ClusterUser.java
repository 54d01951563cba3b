package dev.capydb.restore.dataplane;

import dev.capydb.dataplane.DataplaneConfig;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.restore.config.RestoreConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Runs a scratch cluster's tools and owns its files as {@code capydb.restores.pitr.run-as} when the service is root. */
@ApplicationScoped
public class ClusterUser {

    private final RestoreConfig config;
    private final Optional<String> pgBinDir;

    public ClusterUser(RestoreConfig config, DataplaneConfig dataplane) {
        this.config = config;
        this.pgBinDir = dataplane.pgBinDir();
    }

    /** {@code tool} with {@code args}, run as the cluster's user (PostgreSQL refuses to run as root). */
    ToolInvocation.Builder tool(String tool, String... args) {
        String user =
                config.pitr().runAs().filter(u -> !u.isBlank() && isRoot()).orElse(null);
        if (user == null) {
            return ToolInvocation.of(tool).args(args);
        }
        List<String> all = new ArrayList<>(List.of("-u", user, "--", toolPath(tool)));
        all.addAll(List.of(args));
        return ToolInvocation.of("runuser").args(all.toArray(String[]::new));
    }

    /** Closes {@code path} to everyone but its owner, and hands it to the cluster's user. */
    void own(Path path) throws IOException {
        String user =
                config.pitr().runAs().filter(u -> !u.isBlank() && isRoot()).orElse(null);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        if (user != null) {
            Files.setOwner(
                    path, path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user));
        }
    }

    /** Hands everything below {@code dir} to the cluster's user. */
    void ownTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.toList()) {
                if (config.pitr().runAs().filter(u -> !u.isBlank() && isRoot()).isPresent()) {
                    Files.setOwner(
                            p,
                            p.getFileSystem()
                                    .getUserPrincipalLookupService()
                                    .lookupPrincipalByName(config.pitr().runAs().get()));
                }
            }
        }
    }

    /** runuser needs the tool's path; PostgreSQL's server tools are not on PATH on Debian. */
    private String toolPath(String tool) {
        return pgBinDir.map(bin -> Path.of(bin, tool))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .orElse(tool);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
