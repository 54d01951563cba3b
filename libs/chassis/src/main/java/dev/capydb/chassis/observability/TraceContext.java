package dev.capydb.chassis.observability;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * W3C {@code traceparent} in and out of places OpenTelemetry does not instrument: an outbox row carries the trace
 * of the request that wrote it across the relay's own thread and Kafka, to the consumer that handles it.
 */
public final class TraceContext {

    public static final String HEADER = "traceparent";

    private static final TextMapSetter<Map<String, String>> SETTER = (carrier, key, value) -> carrier.put(key, value);
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceContext() {}

    /** The current span's {@code traceparent}, or empty when there is no valid span (tracing off, no request). */
    public static Optional<String> currentTraceparent() {
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, SETTER);
        return Optional.ofNullable(carrier.get(HEADER));
    }

    /** The context a stored {@code traceparent} names, as the parent of work done on its behalf; root when absent. */
    public static Context parentOf(Optional<String> traceparent) {
        if (traceparent.isEmpty()) {
            return Context.current();
        }
        return W3CTraceContextPropagator.getInstance()
                .extract(Context.current(), Map.of(HEADER, traceparent.get()), GETTER);
    }

    /** The propagated fields, for documentation and tests. */
    public static List<String> fields() {
        return List.copyOf(W3CTraceContextPropagator.getInstance().fields());
    }
}
