package dev.capydb.chassis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.capydb.chassis.egress.EgressGate;
import dev.capydb.chassis.egress.EgressPolicy;
import dev.capydb.chassis.egress.EgressRefusedException;
import dev.capydb.chassis.egress.EgressRefusedException.Reason;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The resolving gate: non-canonical IPv4 forms, any bad address refuses, and the checked address is the one used. */
class EgressGateTest {

    private static final EgressGate STRICT = new EgressGate(new EgressPolicy(() -> false), EgressGateTest::fakeDns);
    private static final EgressGate DEV = new EgressGate(new EgressPolicy(() -> true), EgressGateTest::fakeDns);

    private static List<InetAddress> fakeDns(String host) throws UnknownHostException {
        return switch (host) {
            case "db.example.com" -> List.of(ip("93.184.216.34"), ip("2606:2800:220:1::1"));
            case "mixed.example.com" -> List.of(ip("93.184.216.34"), ip("10.0.0.5"));
            case "metadata.example.com" -> List.of(ip("169.254.169.254"));
            case "v6private.example.com" -> List.of(ip("fd00::1"));
            case "localhost" -> List.of(ip("127.0.0.1"), ip("::1"));
            default -> throw new UnknownHostException(host);
        };
    }

    private static InetAddress ip(String literal) {
        return EgressPolicy.literal(literal).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2130706433",
                "0x7f000001",
                "0x7f.0.0.1",
                "0177.0.0.1",
                "127.1",
                "127.0.1",
                "017700000001",
                "0.0.0.0.",
                "127.000.000.001",
                "4294967295"
            })
    void nonCanonicalIpv4IsRefusedWithoutLookup(String host) {
        EgressRefusedException e = assertThrows(EgressRefusedException.class, () -> DEV.check(host));
        assertEquals(Reason.AMBIGUOUS_HOST, e.reason());
    }

    @Test
    void oneBadAddressAmongGoodOnesRefuses() {
        assertEquals(
                Reason.NOT_PUBLIC,
                assertThrows(EgressRefusedException.class, () -> STRICT.check("mixed.example.com"))
                        .reason());
        assertEquals(
                Reason.NOT_PUBLIC,
                assertThrows(EgressRefusedException.class, () -> DEV.check("metadata.example.com"))
                        .reason());
        assertEquals(
                Reason.NOT_PUBLIC,
                assertThrows(EgressRefusedException.class, () -> DEV.check("v6private.example.com"))
                        .reason());
        assertEquals(
                Reason.UNRESOLVABLE,
                assertThrows(EgressRefusedException.class, () -> STRICT.check("nowhere.invalid"))
                        .reason());
    }

    @Test
    void loopbackOnlyInDevelopmentMode() throws Exception {
        assertThrows(EgressRefusedException.class, () -> STRICT.check("127.0.0.1"));
        assertThrows(EgressRefusedException.class, () -> STRICT.check("localhost"));
        assertThrows(EgressRefusedException.class, () -> STRICT.check("[::1]"));
        assertEquals("127.0.0.1", DEV.check("127.0.0.1").addressLiteral());
        assertEquals("127.0.0.1", DEV.check("localhost").addressLiteral());
        assertThrows(EgressRefusedException.class, () -> DEV.check("10.1.1.1"));
        assertThrows(EgressRefusedException.class, () -> DEV.check("[fe80::1%eth0]"));
    }

    @Test
    void publicHostGivesTheCheckedAddress() throws Exception {
        EgressGate.Target target = STRICT.check("DB.example.com");
        assertEquals("93.184.216.34", target.addressLiteral());
        assertEquals("DB.example.com", target.host());
    }

    @Test
    void rebindingDnsCannotSwapTheAddressAfterTheCheck() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        EgressGate rebinding = STRICT.withResolver(
                host -> lookups.incrementAndGet() == 1 ? List.of(ip("93.184.216.34")) : List.of(ip("127.0.0.1")));
        EgressGate.Target target = rebinding.check("rebind.example.com");
        // The caller connects to target.address(); there is no second lookup to answer 127.0.0.1.
        assertEquals("93.184.216.34", target.addressLiteral());
        assertEquals(1, lookups.get());
    }
}
