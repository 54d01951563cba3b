package dev.capydb.chassis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capydb.chassis.egress.AddressClass;
import dev.capydb.chassis.egress.EgressPolicy;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Address classes per the IANA special-purpose registries, and the loopback-only development switch. */
class EgressPolicyTest {

    private static final EgressPolicy STRICT = new EgressPolicy(() -> false);
    private static final EgressPolicy DEV = new EgressPolicy(() -> true);

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "8.8.8.8, PUBLIC",
        "1.1.1.1, PUBLIC",
        "172.32.0.1, PUBLIC",
        "100.128.0.1, PUBLIC",
        "2606:4700:4700::1111, PUBLIC",
        "2a00:1450:4001:80b::200e, PUBLIC",
        "127.0.0.1, LOOPBACK",
        "127.255.255.254, LOOPBACK",
        "::1, LOOPBACK",
        "::ffff:127.0.0.1, LOOPBACK",
        "10.0.0.1, PRIVATE",
        "172.16.0.1, PRIVATE",
        "172.31.255.255, PRIVATE",
        "192.168.1.1, PRIVATE",
        "::ffff:10.1.2.3, PRIVATE",
        "fec0::1, PRIVATE",
        "169.254.169.254, LINK_LOCAL",
        "::ffff:169.254.169.254, LINK_LOCAL",
        "fe80::1, LINK_LOCAL",
        "100.64.0.1, CGNAT",
        "100.127.255.255, CGNAT",
        "0.0.0.0, UNSPECIFIED",
        "0.1.2.3, UNSPECIFIED",
        ":: , UNSPECIFIED",
        "224.0.0.1, MULTICAST",
        "239.255.255.250, MULTICAST",
        "ff02::1, MULTICAST",
        "255.255.255.255, BROADCAST",
        "240.0.0.1, RESERVED",
        "198.18.0.1, RESERVED",
        "192.0.0.8, RESERVED",
        "100::1, RESERVED",
        "2001:10::1, RESERVED",
        "3fff::1, PUBLIC",
        "4000::1, RESERVED",
        "192.0.2.1, DOCUMENTATION",
        "198.51.100.7, DOCUMENTATION",
        "203.0.113.9, DOCUMENTATION",
        "2001:db8::1, DOCUMENTATION",
        "fc00::1, UNIQUE_LOCAL",
        "fd12:3456::1, UNIQUE_LOCAL",
        "64:ff9b::7f00:1, LOOPBACK",
        "64:ff9b::a9fe:a9fe, LINK_LOCAL",
        "64:ff9b::808:808, TRANSITION",
        "2002:7f00:1::1, LOOPBACK",
        "2002:c0a8:101::1, PRIVATE",
        "2002:808:808::1, TRANSITION",
        "2001:0:4136:e378::1, TRANSITION",
        "192.88.99.1, TRANSITION",
        "::7f00:1, LOOPBACK",
    })
    void classifies(String address, AddressClass expected) throws Exception {
        assertEquals(expected, EgressPolicy.classify(InetAddress.getByName(address.trim())));
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1", "::1", "127.8.9.10"})
    void loopbackOnlyInDevelopmentMode(String address) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        assertFalse(STRICT.check(a).allowed());
        assertTrue(DEV.check(a).allowed());
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.1", "169.254.169.254", "192.168.0.1", "fd00::1", "fe80::1", "100.64.1.1", "0.0.0.0"})
    void privateAndMetadataStayRefusedInDevelopmentMode(String address) throws Exception {
        EgressPolicy.Verdict v = DEV.check(InetAddress.getByName(address));
        assertFalse(v.allowed());
        assertTrue(v.reason().contains("not a public one"), v.reason());
    }

    @ParameterizedTest
    @CsvSource({"127.1", "0x7f.0.0.1", "2130706433", "017700000001", "example.com", "localhost"})
    void shorthandAndNumericFormsAreNotTreatedAsLiterals(String text) {
        assertTrue(EgressPolicy.literal(text).isEmpty(), text);
    }
}
