package dev.capydb.cli.commands;

import picocli.CommandLine.Option;

/** {@code limit}/{@code cursor} of the list endpoints, and {@code --all} to follow every page. */
public final class Paging {

    @Option(names = "--limit", paramLabel = "N", description = "Page size.")
    Integer limit;

    @Option(
            names = "--cursor",
            paramLabel = "CURSOR",
            description = "Continue after this cursor (from a previous page).")
    String cursor;

    @Option(names = "--all", description = "Fetch every page.")
    boolean all;
}
