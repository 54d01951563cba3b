package dev.capydb.chassis.consistency;

/**
 * An incoming channel together with the inbox consumer name its handler records events under: what {@link CatchUp}
 * needs to find both the channel's Kafka group and the positions the handler has applied.
 */
public record Feed(String channel, String consumer) {}
