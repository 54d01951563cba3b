package dev.capydb.backup.dataplane;

import dev.capydb.dataplane.StoredObject;
import java.util.Map;

/** What a dump produced: the object in storage and, when asked for, the row counts of the same snapshot. */
public record DumpResult(StoredObject object, Map<String, Long> rowCounts) {}
