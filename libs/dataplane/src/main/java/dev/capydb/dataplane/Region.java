package dev.capydb.dataplane;

import java.util.List;

/** A region: its hosts, and whether they archive WAL so point-in-time recovery is available. */
public record Region(String id, boolean pitrAvailable, List<String> hostIds) {}
