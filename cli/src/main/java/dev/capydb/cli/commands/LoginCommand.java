package dev.capydb.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capydb.cli.Context;
import dev.capydb.cli.api.Json;
import dev.capydb.cli.auth.Credentials;
import dev.capydb.cli.auth.DeviceAuthorization;
import dev.capydb.cli.auth.OidcClient;
import dev.capydb.cli.auth.TokenCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code capydb login}: the OIDC device flow in a browser, or a username and password on the local realm. */
@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = {
            "Log in and cache the tokens (0600) in the config dir.",
            "Without --username: the device flow (open the URL, confirm the code).",
            "With --username/--password: the password grant (local development realm)."
        })
public final class LoginCommand extends BaseCommand {

    @Option(
            names = {"-u", "--username"},
            description = "User name (password grant).")
    String username;

    @Option(names = "--password", description = "Password (password grant); see also --password-stdin.")
    String password;

    @Option(names = "--password-stdin", description = "Read the password from stdin.")
    boolean passwordStdin;

    @Option(
            names = "--auth-url",
            paramLabel = "URL",
            description = "OIDC issuer (default: $CAPYDB_AUTH_URL or " + Context.DEFAULT_AUTH_URL + ").")
    String authUrl;

    @Option(names = "--client-id", description = "OIDC client (default: $CAPYDB_CLI_CLIENT_ID or capydb-cli).")
    String clientId;

    @Override
    protected int run() throws Exception {
        String issuer = authUrl != null ? authUrl : ctx().env("CAPYDB_AUTH_URL", Context.DEFAULT_AUTH_URL);
        String client = clientId != null ? clientId : ctx().env("CAPYDB_CLI_CLIENT_ID", Context.DEFAULT_CLIENT_ID);
        OidcClient oidc = new OidcClient(issuer, client, http(), BaseCommand::now);
        if (passwordStdin) {
            password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        Credentials c;
        if (username != null) {
            if (password == null) {
                throw usage("--username needs --password or --password-stdin");
            }
            c = oidc.password(username, password);
        } else {
            if (password != null) {
                throw usage("--password needs --username");
            }
            DeviceAuthorization d = oidc.startDevice();
            String url = d.verificationUriComplete() != null ? d.verificationUriComplete() : d.verificationUri();
            err().println("Open " + url + " in a browser and confirm the code " + d.userCode() + ".");
            err().println("Waiting for the confirmation…");
            err().flush();
            c = oidc.pollDevice(d, dur -> Thread.sleep(dur.toMillis()));
        }
        String who = c.username() != null ? c.username() : claim(c.accessToken(), "preferred_username");
        c = new Credentials(
                c.issuer(), c.clientId(), who, c.accessToken(), c.refreshToken(), c.expiresAt(), c.refreshExpiresAt());
        TokenCache cache = new TokenCache(ctx().configDir());
        cache.save(c);
        err().println("Logged in" + (who == null ? "" : " as " + who) + "; the session is cached in " + cache.file());
        return 0;
    }

    /** A claim of the token's payload, for display only (the signature is the API's business). */
    static String claim(String jwt, String name) {
        try {
            String[] parts = jwt.split("\\.");
            JsonNode payload = Json.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return Json.text(payload, name);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
