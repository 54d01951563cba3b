package dev.capydb.cli.commands;

import dev.capydb.cli.Context;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.Callable;
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

    /** HTTP/1.1: the gateway and object storage speak it, and it skips the h2c upgrade dance on plain http. */
    protected HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
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
