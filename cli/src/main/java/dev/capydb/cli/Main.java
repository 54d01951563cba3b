package dev.capydb.cli;

import dev.capydb.cli.api.ApiException;
import dev.capydb.cli.api.Problem;
import dev.capydb.cli.commands.CapydbCommand;
import dev.capydb.cli.commands.Ids;
import dev.capydb.cli.commands.Times;
import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.util.UUID;
import picocli.CommandLine;

/** Entry point: runs one command and turns what happened into an exit code (0 ok, 1 API/job error, 2 usage). */
public final class Main {

    public static final int API_ERROR = 1;
    public static final int USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        int code = run(Context.system(), args);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    public static int run(Context ctx, String... args) {
        CommandLine cl = new CommandLine(new CapydbCommand(ctx));
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.registerConverter(UUID.class, new Ids());
        cl.registerConverter(OffsetDateTime.class, new Times());
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(
                ctx.colour(ctx.stdoutTty()) ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cl.setParameterExceptionHandler((ex, argv) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("Error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println(
                    "Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof ApiException api) {
                err.print(render(api.problem()));
            } else {
                // A bug or an I/O failure on this machine: one line, no stack trace unless asked for.
                err.println("Error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
                if (ctx.env().containsKey("CAPYDB_DEBUG")) {
                    ex.printStackTrace(err);
                }
            }
            err.flush();
            return API_ERROR;
        });
        int code = cl.execute(args);
        ctx.out().flush();
        ctx.err().flush();
        return code;
    }

    /** {@code Error: <detail> (code: <code>)}, then one line per invalid field and the request id if any. */
    public static String render(Problem p) {
        StringBuilder sb = new StringBuilder("Error: ");
        sb.append(p.detail() != null ? p.detail() : p.title() != null ? p.title() : "request failed");
        if (p.code() != null) {
            sb.append(" (code: ").append(p.code()).append(')');
        }
        sb.append('\n');
        if (p.errors() != null) {
            for (Problem.FieldError f : p.errors()) {
                sb.append("  ")
                        .append(f.field())
                        .append(": ")
                        .append(f.message())
                        .append('\n');
            }
        }
        if (p.requestId() != null) {
            sb.append("  request id: ").append(p.requestId()).append('\n');
        }
        return sb.toString();
    }
}
