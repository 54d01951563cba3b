package dev.capydb.chassis.openapi;

import dev.capydb.chassis.errors.Problem;
import dev.capydb.chassis.jobs.Idempotency;
import dev.capydb.chassis.paging.Cursor;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Makes each service's OpenAPI document say what the service really answers, for the chassis's share of it: every
 * refusal is {@code application/problem+json} (one {@code Problem} schema, the stable codes per status: the
 * operation's own where its resource declares them, see {@link Refusals}, generic ones otherwise), request
 * bodies are closed ({@code additionalProperties: false}, as the JSON reader enforces), a nullable field naming
 * another schema accepts null, operation ids are verb-first and each operation carries its domain's tag. Success
 * statuses and their bodies are the resources' own {@code @APIResponse} annotations.
 *
 * <p>Over 300 lines because it is one pass over the document; each of its small static steps rewrites one aspect of
 * it.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ContractFilter implements OASFilter {

    static final String PROBLEM = "Problem";
    static final String FIELD_ERROR = "FieldError";
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        Components components = api.getComponents() == null ? OASFactory.createComponents() : api.getComponents();
        api.setComponents(components);
        components.addSchema(
                FIELD_ERROR,
                object(
                        ordered(
                                "field", string("The request field (or header, or query parameter) refused"),
                                "message", string("What is wrong with it")),
                        List.of("field", "message")));
        components.addSchema(
                PROBLEM,
                object(
                                ordered(
                                        "type",
                                                string("A URI naming the kind of problem")
                                                        .format("uri"),
                                        "title", string("The HTTP status's reason phrase"),
                                        "status",
                                                OASFactory.createSchema()
                                                        .addType(SchemaType.INTEGER)
                                                        .description("The HTTP status"),
                                        "code", string("The stable, machine-readable reason; clients branch on this"),
                                        "detail", string("What happened and what was (not) done, for a person"),
                                        "instance", string("The request path"),
                                        "request_id", string("The X-Request-Id of the call, for support"),
                                        "errors",
                                                OASFactory.createSchema()
                                                        .addType(SchemaType.ARRAY)
                                                        .description("The offending fields")
                                                        .items(OASFactory.createSchema()
                                                                .ref(FIELD_ERROR))),
                                List.of("type", "title", "status", "code", "detail"))
                        .description("An RFC 9457 problem document: every refusal and error of the API"));
        if (api.getPaths() == null || api.getPaths().getPathItems() == null) {
            return;
        }
        inlineNullableReferences(components);
        String tag = domainTag();
        api.getPaths()
                .getPathItems()
                .forEach((path, item) -> item.getOperations().forEach((method, op) -> {
                    describeRefusals(path, method, op, components);
                    pathParametersInPathOrder(path, op);
                    describeSharedParameters(op);
                    op.setOperationId(operationId(op.getOperationId()));
                    if (tag != null) {
                        op.setTags(List.of(tag));
                    }
                }));
    }

    /**
     * A nullable property that names another schema is {@code anyOf: [{$ref}, {type: null}]} in the model, which the
     * 3.0 document writes as {@code nullable: true} beside {@code allOf: [{$ref}]}; validators read that as "must
     * match the referenced schema", so a null fails. Such a property gets a copy of the referenced schema instead,
     * with {@code null} among its types.
     */
    private static void inlineNullableReferences(Components components) {
        if (components.getSchemas() == null) {
            return;
        }
        for (Schema schema : components.getSchemas().values()) {
            if (schema.getProperties() == null) {
                continue;
            }
            Map.copyOf(schema.getProperties()).forEach((name, property) -> {
                Schema target = nullableReferenceTarget(property, components);
                if (target != null) {
                    schema.addProperty(name, nullableCopy(target, property.getDescription()));
                }
            });
        }
    }

    /** The schema a {@code anyOf: [{$ref}, {type: null}]} property names, or null for any other property. */
    private static Schema nullableReferenceTarget(Schema property, Components components) {
        List<Schema> anyOf = property.getAnyOf();
        if (anyOf == null || anyOf.size() != 2) {
            return null;
        }
        Schema ref = anyOf.stream().filter(a -> a.getRef() != null).findFirst().orElse(null);
        boolean orNull =
                anyOf.stream().anyMatch(a -> a.getType() != null && a.getType().equals(List.of(SchemaType.NULL)));
        if (ref == null || !orNull) {
            return null;
        }
        return referenced(ref, components);
    }

    /** The component schema a {@code $ref} names ({@code #/components/schemas/X}), or null. */
    private static Schema referenced(Schema ref, Components components) {
        return components.getSchemas() == null
                ? null
                : components
                        .getSchemas()
                        .get(ref.getRef().substring(ref.getRef().lastIndexOf('/') + 1));
    }

    private static Schema nullableCopy(Schema target, String description) {
        Schema copy = OASFactory.createSchema()
                .description(description != null ? description : target.getDescription())
                .format(target.getFormat())
                .pattern(target.getPattern())
                .items(target.getItems())
                .required(target.getRequired())
                .enumeration(target.getEnumeration());
        if (target.getType() != null) {
            target.getType().forEach(copy::addType);
        }
        copy.addType(SchemaType.NULL);
        if (target.getProperties() != null) {
            target.getProperties().forEach(copy::addProperty);
        }
        return copy;
    }

    /**
     * SmallRye lists parameters by name, so a generated client's {@code getBackup(backupId, projectId)} would take its
     * ids backwards; path parameters come first, in the order the path names them.
     */
    static void pathParametersInPathOrder(String path, Operation op) {
        if (op.getParameters() == null) {
            return;
        }
        List<Parameter> sorted = new ArrayList<>(op.getParameters());
        sorted.sort(Comparator.comparingInt(
                p -> p.getIn() == Parameter.In.PATH ? path.indexOf("{" + p.getName() + "}") : Integer.MAX_VALUE));
        op.setParameters(sorted);
    }

    /** The parameters every list and every job start shares mean the same everywhere; say so once. */
    static void describeSharedParameters(Operation op) {
        if (op.getParameters() == null) {
            return;
        }
        for (Parameter p : op.getParameters()) {
            if (p.getName() == null || p.getSchema() == null) {
                continue;
            }
            switch (p.getName()) {
                case "cursor" -> p.description("The `next_cursor` of the previous page; leave it out for the first");
                case "limit" -> {
                    p.description("Items per page");
                    p.getSchema()
                            .minimum(BigDecimal.ONE)
                            .maximum(BigDecimal.valueOf(Cursor.MAX_LIMIT))
                            .defaultValue(Cursor.DEFAULT_LIMIT);
                }
                case IDEMPOTENCY_KEY -> {
                    p.description("A key of your choosing for this job start: a retry with the same key answers the"
                            + " job the first call started instead of starting another");
                    p.getSchema().minLength(1).maxLength(Idempotency.MAX_KEY_LENGTH);
                }
                default -> {}
            }
        }
    }

    /** One tag per domain, from the service's name: {@code backup-service} is {@code Backups}. */
    static String domainTag() {
        return ConfigProvider.getConfig()
                .getOptionalValue("quarkus.application.name", String.class)
                .map(name -> name.replaceFirst("-service$", ""))
                .map(domain -> Character.toUpperCase(domain.charAt(0)) + domain.substring(1) + "s")
                .orElse(null);
    }

    /**
     * A verb-first id, unique across the merged document, from SmallRye's class-and-method id:
     * {@code RestorePointResource_create} is {@code createRestorePoint}.
     */
    static String operationId(String classMethod) {
        int at = classMethod == null ? -1 : classMethod.indexOf('_');
        if (at < 0) {
            return classMethod;
        }
        return classMethod.substring(at + 1) + classMethod.substring(0, at).replaceFirst("Resource$", "");
    }

    private static void describeRefusals(String path, PathItem.HttpMethod method, Operation op, Components components) {
        APIResponses responses = op.getResponses() == null ? OASFactory.createAPIResponses() : op.getResponses();
        op.setResponses(responses);
        boolean body = op.getRequestBody() != null;
        boolean hasInput =
                body || (op.getParameters() != null && !op.getParameters().isEmpty());
        if (body) {
            refusal(responses, "400", "`malformed_json`: the body is not JSON");
            closeBody(op, components);
        } else if (responses.hasAPIResponse("400")) {
            refusal(responses, "400", "`bad_request`: the request cannot be read");
        }
        refusal(responses, "401", "`unauthorized`: no valid bearer token");
        refusal(responses, "403", "`forbidden`: the token's organization role does not allow this");
        if (path.contains("{")) {
            refusal(responses, "404", "`not_found`: no such resource in an organization the caller belongs to");
        }
        if (method != PathItem.HttpMethod.GET) {
            refusal(
                    responses,
                    "409",
                    "the resource's state refuses the call now, e.g. `project_busy` (another job"
                            + " holds the project), `name_taken`, `preview_busy`, `preview_not_ready`");
        }
        if (hasInput) {
            refusal(
                    responses,
                    "422",
                    "`validation_failed` (the `errors` name each field) or `unknown_field` (a body"
                            + " field this call does not know; nothing was done)");
        }
        refusal(responses, "429", "`rate_limited`: too many calls; retry after `Retry-After` seconds")
                .addHeader(
                        "Retry-After",
                        OASFactory.createHeader()
                                .description("Seconds to wait before retrying")
                                .schema(OASFactory.createSchema().addType(SchemaType.INTEGER)));
        refusal(responses, "500", "`internal_error`: logged on our side with the request id");
        refusal(responses, "503", "`service_unavailable`: the service behind this call is not reachable now");
    }

    private static APIResponse refusal(APIResponses responses, String status, String text) {
        var declared = responses.getAPIResponse(status);
        // A resource that names its own codes for this status (an @APIResponse whose description quotes them) knows
        // better than the generic text; SmallRye's own defaults quote none, so they are replaced.
        String description = declared != null
                        && declared.getDescription() != null
                        && declared.getDescription().contains("`")
                ? declared.getDescription()
                : text;
        var response = OASFactory.createAPIResponse()
                .description(description)
                .content(OASFactory.createContent()
                        .addMediaType(
                                Problem.MEDIA_TYPE,
                                OASFactory.createMediaType()
                                        .schema(OASFactory.createSchema().ref(PROBLEM))));
        responses.addAPIResponse(status, response);
        return response;
    }

    /** The JSON reader refuses unknown fields; the schema says so. */
    private static void closeBody(Operation op, Components components) {
        Content content = op.getRequestBody().getContent();
        if (content == null || content.getMediaTypes() == null) {
            return;
        }
        for (MediaType media : content.getMediaTypes().values()) {
            Schema schema = media.getSchema();
            if (schema != null && schema.getRef() != null) {
                schema = referenced(schema, components);
            }
            if (schema != null && schema.getProperties() != null) {
                schema.setAdditionalPropertiesBoolean(false);
            }
        }
    }

    /** Name-schema pairs in the order given: the document lists properties as the code does. */
    private static Map<String, Schema> ordered(Object... pairs) {
        Map<String, Schema> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], (Schema) pairs[i + 1]);
        }
        return out;
    }

    private static Schema object(Map<String, Schema> properties, List<String> required) {
        Schema s = OASFactory.createSchema().addType(SchemaType.OBJECT).required(required);
        properties.forEach(s::addProperty);
        return s;
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().addType(SchemaType.STRING).description(description);
    }
}
