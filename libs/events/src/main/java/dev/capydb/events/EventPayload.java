package dev.capydb.events;

/** Marker for the typed {@code data} of an event; every implementation has a JSON Schema in the catalog. */
public interface EventPayload {}
