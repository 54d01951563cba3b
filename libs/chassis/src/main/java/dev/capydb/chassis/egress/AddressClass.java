package dev.capydb.chassis.egress;

/** What kind of address an outbound target resolved to; only {@link #PUBLIC} is reachable in strict mode. */
public enum AddressClass {
    PUBLIC,
    LOOPBACK,
    PRIVATE,
    LINK_LOCAL,
    CGNAT,
    UNSPECIFIED,
    MULTICAST,
    BROADCAST,
    RESERVED,
    DOCUMENTATION,
    UNIQUE_LOCAL,
    TRANSITION
}
