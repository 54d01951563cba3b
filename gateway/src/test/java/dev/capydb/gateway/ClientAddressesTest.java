package dev.capydb.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.capydb.gateway.routing.ClientAddresses;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-address rate limit's key: an IPv4 address itself, an IPv6 address by its /64, anything else verbatim. */
class ClientAddressesTest {

    @ParameterizedTest
    @CsvSource({
        "203.0.113.7, 203.0.113.7",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2::/64",
        "2001:db8:1:2::99, 2001:db8:1:2::/64",
        "[2001:db8:1:2::99], 2001:db8:1:2::/64",
        "0:0:0:0:0:0:0:1, 0:0:0:0::/64",
        "::ffff:203.0.113.7, 203.0.113.7",
        "proxy.example, proxy.example"
    })
    void keys(String address, String key) {
        assertEquals(key, ClientAddresses.key(address));
    }
}
