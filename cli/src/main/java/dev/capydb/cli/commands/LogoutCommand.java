package dev.capydb.cli.commands;

import dev.capydb.cli.auth.TokenCache;
import picocli.CommandLine.Command;

/** {@code capydb logout}: forgets the cached login. */
@Command(name = "logout", mixinStandardHelpOptions = true, description = "Delete the cached login.")
public final class LogoutCommand extends BaseCommand {

    @Override
    protected int run() {
        boolean had = new TokenCache(ctx().configDir()).delete();
        err().println(had ? "Logged out." : "Not logged in.");
        return 0;
    }
}
