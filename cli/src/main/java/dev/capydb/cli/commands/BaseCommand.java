package dev.capydb.cli.commands;

import dev.capydb.cli.Context;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What every runnable command has: its spec, the process context, and a way to report a usage error (exit 2). */
public abstract class BaseCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    private HttpClient http;

    protected Context ctx() {
        return ((CapydbCommand) spec.root().userObject()).context();
    }

    protected PrintWriter out() {
        return ctx().out();
    }

    protected PrintWriter err() {
        return ctx().err();
    }

    protected ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * The user's word for a value of one of the API's enums, through the SDK's {@code fromValue}; null stays null.
     * Any case is taken, as picocli took it for the CLI's own enums before; anything else is a usage error.
     */
    protected <E> E choice(String option, String value, Function<String, E> fromValue, E[] choices) {
        if (value == null) {
            return null;
        }
        try {
            return fromValue.apply(value);
        } catch (IllegalArgumentException e) {
            return Arrays.stream(choices)
                    .filter(c -> c.toString().equalsIgnoreCase(value))
                    .findFirst()
                    .orElseThrow(() -> usage("Invalid value for option '" + option + "': expected one of "
                            + Arrays.toString(choices) + " (case-insensitive) but was '" + value + "'"));
        }
    }

    /** HTTP/1.1: the gateway and object storage speak it, and it skips the h2c upgrade dance on plain http. */
    protected static HttpClient.Builder httpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
    }

    /** The client for what is not the CapyDB API: the identity provider and object storage. */
    protected HttpClient http() {
        if (http == null) {
            http = httpClient().build();
        }
        return http;
    }

    protected static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Override
    public Integer call() throws Exception {
        return run();
    }

    /** The command's work; the exit code (0, or 1 for a failed job or check). */
    protected abstract int run() throws Exception;
}
