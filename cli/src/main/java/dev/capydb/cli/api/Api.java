package dev.capydb.cli.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.capydb.cli.auth.TokenSource;
import dev.capydb.sdk.ApiClient;
import dev.capydb.sdk.api.BackupsApi;
import dev.capydb.sdk.api.CutoversApi;
import dev.capydb.sdk.api.ImportsApi;
import dev.capydb.sdk.api.ProjectsApi;
import dev.capydb.sdk.api.RestoresApi;
import dev.capydb.sdk.api.WebhooksApi;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The CapyDB API through the generated Java SDK ({@code dev.capydb.sdk}): bearer token and User-Agent on every
 * request, one retry after a 401 that refreshed the login, SDK failures turned into {@link ApiException}, and answers
 * turned back into the API's JSON for printing.
 */
public final class Api {

    // dev.capydb.sdk.ApiException stays qualified: this package's own ApiException is the one the CLI shows.

    /** One SDK call. */
    @FunctionalInterface
    public interface Call<T> {
        T call() throws dev.capydb.sdk.ApiException;
    }

    /** One SDK call that answers nothing (a DELETE's 204). */
    @FunctionalInterface
    public interface Run {
        void run() throws dev.capydb.sdk.ApiException;
    }

    private final String baseUrl;
    private final TokenSource tokens;
    private final ApiClient client;
    private final ObjectMapper wire;
    private final Map<Class<?>, Object> apis = new HashMap<>();

    public Api(String baseUrl, HttpClient.Builder http, TokenSource tokens) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.tokens = tokens;
        ObjectMapper sdk = ApiClient.createDefaultObjectMapper();
        // The interceptor asks for the token on every request, so the retry after a refresh carries the new one.
        this.client = new ApiClient(http, sdk, this.baseUrl)
                .setReadTimeout(Duration.ofSeconds(60))
                .setRequestInterceptor(b ->
                        b.setHeader("Authorization", "Bearer " + tokens.token()).setHeader("User-Agent", "capydb-cli"));
        this.wire = wireMapper(sdk);
    }

    public BackupsApi backups() {
        return sdk(BackupsApi.class, BackupsApi::new);
    }

    public CutoversApi cutovers() {
        return sdk(CutoversApi.class, CutoversApi::new);
    }

    public ImportsApi imports() {
        return sdk(ImportsApi.class, ImportsApi::new);
    }

    public ProjectsApi projects() {
        return sdk(ProjectsApi.class, ProjectsApi::new);
    }

    public RestoresApi restores() {
        return sdk(RestoresApi.class, RestoresApi::new);
    }

    public WebhooksApi webhooks() {
        return sdk(WebhooksApi.class, WebhooksApi::new);
    }

    /** Made on first use: each SDK class builds its own HttpClient, and a command needs one or two of them. */
    private <A> A sdk(Class<A> type, Function<ApiClient, A> make) {
        return type.cast(apis.computeIfAbsent(type, t -> make.apply(client)));
    }

    /** Runs the call, once more if it was refused with 401 and the login could be refreshed. */
    public <T> T call(Call<T> call) {
        try {
            try {
                return call.call();
            } catch (dev.capydb.sdk.ApiException e) {
                if (e.getCode() == 401 && tokens.refreshAfterUnauthorized()) {
                    return call.call();
                }
                throw e;
            }
        } catch (dev.capydb.sdk.ApiException e) {
            throw problem(e);
        }
    }

    public void run(Run run) {
        call(() -> {
            run.run();
            return null;
        });
    }

    /** A model as the API wrote it: snake_case, nulls kept, timestamps as the services print them. */
    public JsonNode tree(Object model) {
        return wire.valueToTree(model);
    }

    /** Whatever answered (a service, the gateway, a proxy in between), the user gets a detail and a code. */
    ApiException problem(dev.capydb.sdk.ApiException e) {
        HttpHeaders headers = e.getResponseHeaders();
        if (headers == null) {
            return noAnswer(e);
        }
        int status = e.getCode();
        String ct = headers.firstValue("Content-Type").orElse("");
        String body = e.getResponseBody() == null ? "" : e.getResponseBody();
        if (ct.contains("json") && !body.isBlank()) {
            try {
                Problem p = Json.read(body, Problem.class);
                if (p.detail() != null || p.code() != null || p.title() != null) {
                    return new ApiException(new Problem(
                            p.type(),
                            p.title(),
                            status,
                            p.code() != null ? p.code() : codeFor(status),
                            p.detail(),
                            p.instance(),
                            p.requestId(),
                            p.errors()));
                }
            } catch (RuntimeException notAProblem) {
                // Not a problem document after all; fall through to the generic one.
            }
        }
        String detail = "HTTP " + status
                + (body.isBlank() ? "" : ": " + (body.length() > 300 ? body.substring(0, 300) + "…" : body.strip()));
        return new ApiException(new Problem(
                null,
                null,
                status,
                codeFor(status),
                detail,
                null,
                headers.firstValue("X-Request-Id").orElse(null),
                null));
    }

    /** The SDK failed without an HTTP answer to show: it wraps the cause with status 0. */
    private ApiException noAnswer(dev.capydb.sdk.ApiException e) {
        Throwable cause = e.getCause();
        if (cause instanceof InterruptedException) {
            return ApiException.local("interrupted", "interrupted");
        }
        if (cause instanceof JsonProcessingException j) {
            // A 2xx whose body does not fit the contract this CLI was built with.
            return ApiException.local(
                    "unexpected_response",
                    "unexpected answer from the CapyDB API at " + baseUrl + ": " + j.getOriginalMessage());
        }
        if (cause instanceof IOException io) {
            return ApiException.local(
                    "unreachable",
                    "cannot reach the CapyDB API at " + baseUrl + " ("
                            + (io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage()) + ")");
        }
        return ApiException.local("invalid_request", e.getMessage());
    }

    private static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 409 -> "conflict";
            case 429 -> "rate_limited";
            default -> status >= 500 ? "server_error" : "http_" + status;
        };
    }

    /**
     * The SDK's mapper, except that it keeps nulls (the services send every field, null or not) and writes a UTC
     * time as the services' {@code Instant} does ({@code …53.120Z}, where {@code OffsetDateTime} would drop the zero).
     */
    private static ObjectMapper wireMapper(ObjectMapper sdk) {
        SimpleModule times = new SimpleModule()
                .addSerializer(OffsetDateTime.class, new StdSerializer<>(OffsetDateTime.class) {
                    @Override
                    public void serialize(OffsetDateTime t, JsonGenerator gen, SerializerProvider provider)
                            throws IOException {
                        gen.writeString(
                                ZoneOffset.UTC.equals(t.getOffset())
                                        ? t.toInstant().toString()
                                        : t.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
                    }
                });
        return sdk.copy()
                .setDefaultPropertyInclusion(JsonInclude.Include.ALWAYS)
                .registerModule(times);
    }
}
