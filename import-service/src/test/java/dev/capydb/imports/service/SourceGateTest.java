package dev.capydb.imports.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.egress.EgressGate;
import dev.capydb.chassis.egress.EgressPolicy;
import dev.capydb.chassis.errors.ApiException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every hostile source URL is refused by the gate, before any connection; accepted ones connect to the checked address. */
class SourceGateTest {

    /** A DNS server under the test's control that records every lookup. */
    static final class FakeDns {
        final List<String> lookups = new ArrayList<>();
        final Map<String, List<String>> answers = Map.of(
                "db.example.com", List.of("93.184.216.34"),
                "localhost", List.of("127.0.0.1"),
                "metadata.evil.test", List.of("169.254.169.254"),
                "private.evil.test", List.of("10.1.2.3"),
                "cgnat.evil.test", List.of("100.64.1.1"),
                "mixed.evil.test", List.of("93.184.216.34", "10.0.0.5"),
                "v6ula.evil.test", List.of("fd00::1"),
                "mapped.evil.test", List.of("::ffff:10.0.0.1"),
                "sixonly.evil.test", List.of("2606:4700::1", "fe80::1"));

        List<InetAddress> resolve(String host) throws UnknownHostException {
            lookups.add(host);
            List<String> a = answers.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            List<InetAddress> out = new ArrayList<>();
            for (String s : a) {
                out.add(InetAddress.getByName(s));
            }
            return out;
        }
    }

    static SourceGate gate(boolean allowLoopback, FakeDns dns) {
        return new SourceGate(new EgressGate(new EgressPolicy(() -> allowLoopback), dns::resolve), null);
    }

    static Stream<Arguments> hostileUrls() {
        String u = "postgres://app:s3cret@";
        return Stream.of(
                // Shape: only postgres URLs with one TCP host, a user, and nothing libpq would reinterpret.
                Arguments.of("mysql://app:s3cret@db.example.com/shop", "invalid_source_url"),
                Arguments.of("http://app:s3cret@db.example.com/shop", "invalid_source_url"),
                Arguments.of(u + "/shop", "invalid_source_url"),
                Arguments.of(u + "%2Ftmp/shop", "invalid_source_url"),
                Arguments.of(u + "%2Fvar%2Frun%2Fpostgresql:5432/shop", "invalid_source_url"),
                Arguments.of(u + "db.example.com,10.0.0.1/shop", "invalid_source_url"),
                Arguments.of(u + "db.example.com:5432,db2.example.com:5432/shop", "invalid_source_url"),
                Arguments.of(u + "db.example.com/dbname%3Dshop%20host%3D10.0.0.1", "invalid_source_url"),
                Arguments.of(u + "db.example.com/host=10.0.0.1", "invalid_source_url"),
                Arguments.of(u + "db.example.com:99999/shop", "invalid_source_url"),
                Arguments.of(u + "db.example.com:0/shop", "invalid_source_url"),
                Arguments.of(u + "[fe80::1%25eth0]:5432/shop", "invalid_source_url"),
                Arguments.of("postgres://app@evil@db.example.com/shop", "invalid_source_url"),
                Arguments.of("postgres://db.example.com/shop", "invalid_source_url"),
                Arguments.of(u + "db.example.com/shop#x", "invalid_source_url"),
                Arguments.of(u + "db.example.com/shop\nhost=10.0.0.1", "invalid_source_url"),
                Arguments.of(u + "db.exa mple.com/shop", "invalid_source_url"),
                Arguments.of(u + "[::1/shop", "invalid_source_url"),
                Arguments.of(u + "db_example!.com/shop", "invalid_source_url"),
                Arguments.of(u + "db.example.com/sh%0Aop", "invalid_source_url"),
                // libpq parameter tricks: only sslmode is accepted.
                Arguments.of(u + "db.example.com/shop?host=10.0.0.1", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?hostaddr=10.0.0.1", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?host=/var/run/postgresql", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?service=internal", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?passfile=/etc/shadow", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?sslrootcert=/etc/passwd", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?sslkey=/root/.ssh/id_rsa", "source_parameter_not_allowed"),
                Arguments.of(
                        u + "db.example.com/shop?options=-c%20log_statement%3Dall", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?application_name=x", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?sslmode=require&host=127.0.0.1", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?%68ost=10.0.0.1", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?sslmode=disable&sslmode=require", "source_parameter_not_allowed"),
                Arguments.of(u + "db.example.com/shop?sslmode=bogus", "source_parameter_not_allowed"),
                // Addresses that are not public, however they are written or resolved.
                Arguments.of(u + "127.0.0.1/shop", "source_not_public"),
                Arguments.of(u + "127.0.0.1./shop", "source_not_public"),
                Arguments.of(u + "localhost/shop", "source_not_public"),
                Arguments.of(u + "10.0.0.1/shop", "source_not_public"),
                Arguments.of(u + "172.16.5.4/shop", "source_not_public"),
                Arguments.of(u + "192.168.1.1/shop", "source_not_public"),
                Arguments.of(u + "169.254.169.254/shop", "source_not_public"),
                Arguments.of(u + "metadata.evil.test/shop", "source_not_public"),
                Arguments.of(u + "100.64.0.1/shop", "source_not_public"),
                Arguments.of(u + "0.0.0.0/shop", "source_not_public"),
                Arguments.of(u + "224.0.0.1/shop", "source_not_public"),
                Arguments.of(u + "255.255.255.255/shop", "source_not_public"),
                Arguments.of(u + "240.0.0.1/shop", "source_not_public"),
                Arguments.of(u + "198.18.0.1/shop", "source_not_public"),
                Arguments.of(u + "192.0.2.10/shop", "source_not_public"),
                Arguments.of(u + "[::1]/shop", "source_not_public"),
                Arguments.of(u + "[::]:5432/shop", "source_not_public"),
                Arguments.of(u + "[fd12:3456::1]/shop", "source_not_public"),
                Arguments.of(u + "[fe80::1]/shop", "source_not_public"),
                Arguments.of(u + "[::ffff:127.0.0.1]/shop", "source_not_public"),
                Arguments.of(u + "[::ffff:a9fe:a9fe]/shop", "source_not_public"),
                Arguments.of(u + "[64:ff9b::a00:1]/shop", "source_not_public"),
                Arguments.of(u + "[2002:a00:1::1]/shop", "source_not_public"),
                Arguments.of(u + "[ff02::1]/shop", "source_not_public"),
                Arguments.of(u + "2130706433/shop", "source_not_public"),
                Arguments.of(u + "0x7f000001/shop", "source_not_public"),
                Arguments.of(u + "0177.0.0.1/shop", "source_not_public"),
                Arguments.of(u + "127.1/shop", "source_not_public"),
                Arguments.of(u + "0x7f.0.0.1/shop", "source_not_public"),
                Arguments.of(u + "012.0.0.1/shop", "source_not_public"),
                Arguments.of(u + "private.evil.test/shop", "source_not_public"),
                Arguments.of(u + "cgnat.evil.test/shop", "source_not_public"),
                Arguments.of(u + "mixed.evil.test/shop", "source_not_public"),
                Arguments.of(u + "v6ula.evil.test/shop", "source_not_public"),
                Arguments.of(u + "mapped.evil.test/shop", "source_not_public"),
                Arguments.of(u + "sixonly.evil.test/shop", "source_not_public"),
                Arguments.of(u + "nowhere.evil.test/shop", "source_unresolvable"));
    }

    @ParameterizedTest
    @MethodSource("hostileUrls")
    void hostileUrlsAreRefusedWithoutConnecting(String url, String code) {
        FakeDns dns = new FakeDns();
        ApiException e = assertThrows(ApiException.class, () -> gate(false, dns).check(url));
        assertEquals(422, e.status());
        assertEquals(code, e.code(), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), "the password must never be shown: " + e.getMessage());
        if (!code.equals("source_not_public") && !code.equals("source_unresolvable")) {
            assertEquals(List.of(), dns.lookups, "a malformed URL is refused before any lookup");
        }
        assertTrue(dns.lookups.size() <= 1, "one lookup at most");
    }

    @Test
    void theTableCoversAtLeastFortyHostileUrls() {
        assertTrue(hostileUrls().count() >= 40);
    }

    @Test
    void anAcceptedSourceConnectsToTheCheckedAddressWithTlsRequiredAndNoOutsideSettings() {
        FakeDns dns = new FakeDns();
        SourceGate.CheckedSource s = gate(false, dns).check("postgresql://app:p%40ss@db.example.com:6543/shop");
        Map<String, String> env = s.libpqEnv(Duration.ofSeconds(7));
        assertEquals("db.example.com", env.get("PGHOST"), "the name stays for TLS");
        assertEquals("93.184.216.34", env.get("PGHOSTADDR"));
        assertEquals("6543", env.get("PGPORT"));
        assertEquals("app", env.get("PGUSER"));
        assertEquals("p@ss", env.get("PGPASSWORD"));
        assertEquals("shop", env.get("PGDATABASE"));
        assertEquals("require", env.get("PGSSLMODE"), "sslmode=require unless the URL sets it");
        assertEquals("/dev/null", env.get("PGPASSFILE"));
        assertEquals("7", env.get("PGCONNECT_TIMEOUT"));
        assertEquals(
                "postgres://app:****@db.example.com:6543/shop?sslmode=require",
                s.url().masked());
        assertEquals(
                "disable",
                gate(false, dns)
                        .check("postgres://app@db.example.com/shop?sslmode=disable")
                        .libpqEnv(Duration.ofSeconds(5))
                        .get("PGSSLMODE"),
                "an explicit sslmode is kept");
        assertEquals(
                "app",
                gate(false, dns).check("postgres://app@db.example.com").url().database(),
                "the database defaults to the user's name, as in libpq");
    }

    @Test
    void aRebindingDnsServerCannotRedirectTheConnection() {
        List<String> lookups = new ArrayList<>();
        // First answer public, every later one loopback: only the first, checked answer may be used.
        SourceGate g = new SourceGate(
                new EgressGate(new EgressPolicy(() -> false), host -> {
                    lookups.add(host);
                    return List.of(InetAddress.getByName(lookups.size() == 1 ? "93.184.216.34" : "127.0.0.1"));
                }),
                null);
        SourceGate.CheckedSource s = g.check("postgres://app:pw@rebind.evil.test/shop");
        assertEquals("93.184.216.34", s.libpqEnv(Duration.ofSeconds(5)).get("PGHOSTADDR"));
        assertEquals("93.184.216.34", s.libpqEnv(Duration.ofSeconds(5)).get("PGHOSTADDR"), "stable, never re-resolved");
        assertEquals(1, lookups.size());
    }

    @Test
    void developmentModeAdmitsLoopbackAloneAndStrictModeRefusesIt() {
        FakeDns dns = new FakeDns();
        assertEquals(
                "127.0.0.1",
                gate(true, dns)
                        .check("postgres://app@127.0.0.1:15433/shop")
                        .target()
                        .addressLiteral());
        assertEquals(
                "127.0.0.1",
                gate(true, dns).check("postgres://app@localhost/shop").target().addressLiteral());
        assertEquals(
                "source_not_public",
                assertThrows(ApiException.class, () -> gate(false, dns).check("postgres://app@127.0.0.1:15433/shop"))
                        .code());
        for (String blocked :
                List.of("10.0.0.1", "169.254.169.254", "192.168.0.1", "100.64.0.1", "[fd00::1]", "[fe80::1]")) {
            assertEquals(
                    "source_not_public",
                    assertThrows(ApiException.class, () -> gate(true, dns).check("postgres://app@" + blocked + "/shop"))
                            .code(),
                    blocked);
        }
    }
}
