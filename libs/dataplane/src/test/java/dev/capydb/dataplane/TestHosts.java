package dev.capydb.dataplane;

/** The local stack's data-plane host local-1 (dev/stack up), addressed through the same variables as dev/env.sh. */
final class TestHosts {

    private TestHosts() {}

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static DatabaseHost local1() {
        int port = Integer.parseInt(env("CAPYDB_HOST1_PORT", "15433"));
        return new DatabaseHost(
                "local-1",
                "local-1",
                "127.0.0.1",
                port,
                "postgres",
                env("CAPYDB_HOST_ADMIN_PASSWORD", "capydb-admin"),
                true,
                "127.0.0.1",
                port,
                "postgres",
                java.util.Optional.empty());
    }

    static String uniqueName(String prefix) {
        return prefix + "_" + Long.toHexString(System.nanoTime()) + Integer.toHexString((int) (Math.random() * 0xffff));
    }
}
