package dev.capydb.imports.dataplane;

import dev.capydb.dataplane.DatabaseHost;
import dev.capydb.dataplane.ObjectStore;
import dev.capydb.dataplane.StorageConfig;
import dev.capydb.dataplane.TenantExtensions;
import dev.capydb.dataplane.TenantLogin;
import dev.capydb.dataplane.ToolInvocation;
import dev.capydb.dataplane.ToolResult;
import dev.capydb.dataplane.ToolRunner;
import dev.capydb.dataplane.scratch.ScratchNames;
import dev.capydb.imports.config.ImportConfig;
import dev.capydb.imports.service.SourceGate.CheckedSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads an untrusted source into a database on a project's host. Whatever the source (a live database through
 * {@code pg_dump -Fc | pg_restore -f -}, an uploaded custom dump through {@code pg_restore -f -}, or uploaded plain
 * SQL), the SQL is run by {@code psql} in one transaction with {@code ON_ERROR_STOP} and backslash commands
 * restricted, logged in as a {@link TenantLogin}: a throw-away role that is a member of the project's role and acts as it (so every
 * object belongs to the project's role) and is never a superuser — a hostile dump can do no more than the
 * project's own role could. ANALYZE and the plan's size check run inside that transaction, so an oversized load
 * rolls back.
 */
@ApplicationScoped
public class DumpLoader {

    /** Writes a source's SQL script to psql's stdin; a failure of the source is thrown as IOException. */
    @FunctionalInterface
    public interface SqlSource {
        void writeTo(OutputStream psql, AtomicLong bytes) throws IOException;
    }

    private final ToolRunner tools;
    private final ObjectStore store;
    private final StorageConfig storage;
    private final ImportConfig config;

    public DumpLoader(ToolRunner tools, ObjectStore store, StorageConfig storage, ImportConfig config) {
        this.tools = tools;
        this.store = store;
        this.storage = storage;
        this.config = config;
    }

    /** A live source: its custom-format dump, turned into SQL by pg_restore as it streams. */
    public SqlSource fromDatabase(CheckedSource source) {
        return (psql, bytes) -> {
            ToolResult dump = tools.run(ToolInvocation.of("pg_dump")
                    // Uncompressed: the archive only crosses a local pipe to pg_restore (the source's data comes over
                    // the wire as COPY rows either way), so gzip would be CPU spent twice for nothing.
                    .args("--format=custom", "--compress=0", "--no-owner", "--no-acl")
                    .env(source.libpqEnv(config.connectTimeout()))
                    .stdout(archive -> toScript(() -> archive, psql, bytes))
                    .timeout(config.importTimeout())
                    .build());
            if (!dump.succeeded()) {
                throw new IOException(dump.describeFailure("pg_dump"));
            }
        };
    }

    /** An uploaded dump: custom format through pg_restore, plain SQL as it is. */
    public SqlSource fromObject(String key, boolean custom) {
        if (custom) {
            return (psql, bytes) -> toScript(() -> store.open(storage.importsBucket(), key), psql, bytes);
        }
        return (psql, bytes) -> {
            try (InputStream in = store.open(storage.importsBucket(), key)) {
                RestrictedScript.body(in, psql, bytes);
            }
        };
    }

    /** Streams a custom-format archive through {@code pg_restore -f -} (no database: it only writes SQL). */
    private void toScript(ArchiveStream archive, OutputStream psql, AtomicLong bytes) throws IOException {
        ToolResult restore = tools.run(ToolInvocation.of("pg_restore")
                .args("--no-owner", "--no-acl", "--no-subscriptions", "--no-security-labels", "--file=-")
                .stdin(in -> {
                    try (InputStream a = archive.open()) {
                        a.transferTo(in);
                    }
                })
                .stdout(sql -> RestrictedScript.body(sql, psql, bytes))
                .timeout(config.importTimeout())
                .build());
        if (!restore.succeeded()) {
            throw new IOException(restore.describeFailure("pg_restore"));
        }
    }

    /** Where an archive's bytes come from. */
    @FunctionalInterface
    private interface ArchiveStream {
        InputStream open() throws IOException;
    }

    /**
     * Runs the source's SQL into {@code database} as {@code owner}, all or nothing. Extensions the source needs
     * that the project role may not create itself are created first (by the admin, then handed to the project
     * role, as managed providers do).
     */
    public ToolResult load(
            UUID importId,
            SqlSource source,
            DatabaseHost host,
            String database,
            String owner,
            long limitBytes,
            Collection<String> extensions,
            AtomicLong bytes)
            throws SQLException {
        prepareExtensions(host, database, owner, extensions);
        try (TenantLogin login = TenantLogin.create(host, database, owner, loaderRole(importId))) {
            Map<String, String> env = new HashMap<>(login.toolEnv());
            env.put("PGAPPNAME", "capydb-import");
            String key = UUID.randomUUID().toString().replace("-", "");
            return tools.run(ToolInvocation.of("psql")
                    .args("-X", "-q", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1", "--file=-")
                    .env(env)
                    .stdin(in -> {
                        RestrictedScript.header(in, key);
                        source.writeTo(in, bytes);
                        RestrictedScript.trailer(in, limitBytes);
                    })
                    .timeout(config.importTimeout())
                    .build());
        }
    }

    /** The throw-away logins of imports; named after their import so a crashed worker's leftover can be found. */
    public static final ScratchNames LOADER_ROLES = new ScratchNames("imp_");

    /** The throw-away login of one import. */
    public static String loaderRole(UUID importId) {
        return LOADER_ROLES.name(importId);
    }

    /** Drops a leftover loader role (its import is no longer running). */
    public void dropLoaderRole(DatabaseHost host, String role) {
        TenantLogin.drop(host, null, role);
    }

    /** The allowlisted extensions the source uses, created by the admin where the project role may not. */
    private void prepareExtensions(DatabaseHost host, String database, String owner, Collection<String> extensions)
            throws SQLException {
        TenantExtensions.prepare(
                host,
                database,
                owner,
                extensions.stream().filter(config.allowedExtensions()::contains).toList());
    }
}
