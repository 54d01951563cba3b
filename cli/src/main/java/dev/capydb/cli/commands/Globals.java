package dev.capydb.cli.commands;

import picocli.CommandLine.Option;

/** Options every API command takes. */
public final class Globals {

    @Option(names = "--json", description = "Print the API's JSON instead of a table.")
    boolean json;

    @Option(
            names = {"-p", "--project"},
            paramLabel = "PROJECT",
            description = "Project id or name (default: $CAPYDB_PROJECT).")
    String project;

    @Option(
            names = "--api-url",
            paramLabel = "URL",
            description = "API base URL (default: $CAPYDB_API_URL, else the local gateway).")
    String apiUrl;
}
