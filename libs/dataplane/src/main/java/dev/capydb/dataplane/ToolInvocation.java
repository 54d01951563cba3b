package dev.capydb.dataplane;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a PostgreSQL client tool: its arguments, its environment (where passwords go), an optional
 * producer of stdin and consumer of stdout, and a timeout.
 */
public record ToolInvocation(
        String tool,
        List<String> args,
        Map<String, String> env,
        Optional<StreamTask<OutputStream>> stdin,
        Optional<StreamTask<InputStream>> stdout,
        Optional<Duration> timeout) {

    public static Builder of(String tool) {
        return new Builder(tool);
    }

    /** Fluent construction, since most runs set only a few of the parts. */
    public static final class Builder {
        private final String tool;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new HashMap<>();
        private StreamTask<OutputStream> stdin;
        private StreamTask<InputStream> stdout;
        private Duration timeout;

        private Builder(String tool) {
            this.tool = tool;
        }

        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        public Builder env(Map<String, String> more) {
            env.putAll(more);
            return this;
        }

        public Builder stdin(StreamTask<OutputStream> task) {
            this.stdin = task;
            return this;
        }

        public Builder stdout(StreamTask<InputStream> task) {
            this.stdout = task;
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        public ToolInvocation build() {
            return new ToolInvocation(
                    tool,
                    List.copyOf(args),
                    Map.copyOf(env),
                    Optional.ofNullable(stdin),
                    Optional.ofNullable(stdout),
                    Optional.ofNullable(timeout));
        }
    }
}
