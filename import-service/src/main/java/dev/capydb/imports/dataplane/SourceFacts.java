package dev.capydb.imports.dataplane;

import java.util.List;

/** What preflight needs to know of a source: its server version, its size, the extensions it uses. */
public record SourceFacts(int serverVersionNum, long sizeBytes, List<String> extensions) {

    public int major() {
        return serverVersionNum / 10000;
    }
}
