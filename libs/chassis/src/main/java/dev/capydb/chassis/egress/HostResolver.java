package dev.capydb.chassis.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Looks up every address (A and AAAA) of a host name; replaceable so tests can play a rebinding DNS server. */
@FunctionalInterface
public interface HostResolver {

    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The system resolver. */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
