package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.cairn.contracts.Contracts;
import dev.cairn.json.wire.Wire;
import dev.cairn.schema.SchemaGen;
import dev.cairn.server.fixture.Http;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks HTTP answers against {@code openapi.yaml}: the status is one the operation declares (or
 * its {@code default}), the content type one of that response's media types, a JSON body valid
 * against the response's component schema (networknt, format assertions on), every event of a
 * server-sent event stream valid against the schema its {@code x-cairn-sse-events} names, and every
 * required response header present and matching its pattern. Remembers which operations were
 * exercised.
 */
final class OpenApiConformance {

    static final String YAML_TEXT = Contracts.openApiYaml();

    static final JsonNode DOCUMENT = readYaml();

    static final OpenAPI API = parse();

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    /** The generated schema of the kernel's envelope: events are checked against it too. */
    private static final Schema GENERATED_EVENT_ENVELOPE =
            REGISTRY.getSchema(SchemaGen.schemaFor(dev.cairn.machine.events.EventEnvelope.class));

    private final Set<String> exercised = ConcurrentHashMap.newKeySet();

    private static JsonNode readYaml() {
        try {
            return new YAMLMapper().readTree(YAML_TEXT);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static OpenAPI parse() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIParser().readContents(YAML_TEXT, null, options);
        assertThat(result.getMessages()).isEmpty();
        return result.getOpenAPI();
    }

    /** {@code "get /v1/runs/{runId}"} of every operation of the document. */
    static Map<String, Operation> operations() {
        Map<String, Operation> operations = new TreeMap<>();
        API.getPaths().forEach((path, item) -> item.readOperationsMap()
                .forEach((method, operation) ->
                        operations.put(method.name().toLowerCase(Locale.ROOT) + " " + path, operation)));
        return operations;
    }

    /** Operations served by {@code cairn worker}, not by this server (tag Runner). */
    static boolean servedByWorker(Operation operation) {
        return operation.getTags() != null && operation.getTags().contains("Runner");
    }

    /** The token kinds an operation names in {@code x-cairn-token-kinds}. */
    static List<String> tokenKinds(String method, String path) {
        List<String> kinds = new ArrayList<>();
        DOCUMENT.at("/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method + "/x-cairn-token-kinds")
                .forEach(k -> kinds.add(k.textValue()));
        return kinds;
    }

    Set<String> exercised() {
        return new TreeSet<>(exercised);
    }

    /** Checks {@code response}, the answer to {@code method} on the route {@code template}. */
    Http.Response check(String method, String template, Http.Response response) {
        String key = method.toLowerCase(Locale.ROOT) + " " + template;
        PathItem item = API.getPaths().get(template);
        assertThat(item).as("openapi.yaml has %s", template).isNotNull();
        Operation operation =
                item.readOperationsMap().get(PathItem.HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)));
        assertThat(operation).as("openapi.yaml has %s", key).isNotNull();
        String status = Integer.toString(response.status());
        ApiResponse declared = operation.getResponses().get(status);
        if (declared == null) {
            assertThat(response.status())
                    .as("%s answered %s, which it does not declare; body %s", key, status, response.text())
                    .isGreaterThanOrEqualTo(400);
            declared = operation.getResponses().getDefault();
        }
        assertThat(declared).as("%s declares %s or a default", key, status).isNotNull();
        declared = resolve(declared);
        checkHeaders(key, status, declared, response);
        if (method.equalsIgnoreCase("HEAD")
                || declared.getContent() == null
                || declared.getContent().isEmpty()) {
            assertThat(response.body()).as("%s %s has no body", key, status).isEmpty();
        } else {
            checkBody(key, status, declared, response);
        }
        exercised.add(key);
        return response;
    }

    private static ApiResponse resolve(ApiResponse response) {
        String ref = response.get$ref();
        if (ref == null) {
            return response;
        }
        ApiResponse target = API.getComponents().getResponses().get(ref.substring(ref.lastIndexOf('/') + 1));
        assertThat(target).as("response %s exists", ref).isNotNull();
        return target;
    }

    private static void checkHeaders(String key, String status, ApiResponse declared, Http.Response response) {
        if (declared.getHeaders() == null) {
            return;
        }
        for (Map.Entry<String, Header> entry : declared.getHeaders().entrySet()) {
            Header header = entry.getValue();
            if (!Boolean.TRUE.equals(header.getRequired())) {
                continue;
            }
            String value = response.header(entry.getKey()).orElse(null);
            assertThat(value)
                    .as("%s %s has header %s", key, status, entry.getKey())
                    .isNotNull();
            if (header.getSchema() != null && header.getSchema().getPattern() != null) {
                assertThat(value)
                        .as("%s %s header %s", key, status, entry.getKey())
                        .matches(header.getSchema().getPattern());
            }
        }
    }

    private void checkBody(String key, String status, ApiResponse declared, Http.Response response) {
        String mediaType = response.mediaType();
        MediaType content = null;
        for (Map.Entry<String, MediaType> entry : declared.getContent().entrySet()) {
            if (entry.getKey().equalsIgnoreCase(mediaType)) {
                content = entry.getValue();
            }
        }
        assertThat(content)
                .as(
                        "%s %s answers %s, one of %s",
                        key, status, mediaType, declared.getContent().keySet())
                .isNotNull();
        switch (mediaType) {
            case "application/json" -> {
                String ref = content.getSchema().get$ref();
                assertThat(ref).as("%s %s has a schema", key, status).isNotNull();
                assertValid(componentSchema(ref), response.json(), key + " " + status);
            }
            case "text/event-stream" -> checkEvents(key, status, response);
            default ->
                assertThat(response.body()).as("%s %s has a body", key, status).isNotNull();
        }
    }

    private static void checkEvents(String key, String status, Http.Response response) {
        String pointer = "/paths/" + key.substring(key.indexOf(' ') + 1).replace("/", "~1") + "/"
                + key.substring(0, key.indexOf(' ')) + "/responses/" + status
                + "/content/text~1event-stream/x-cairn-sse-events";
        JsonNode events = DOCUMENT.at(pointer);
        assertThat(events.isObject())
                .as("%s declares its events at %s", key, pointer)
                .isTrue();
        List<SseEvent> parsed = SseEvent.parse(response.text());
        assertThat(parsed).as("%s sent events", key).isNotEmpty();
        for (SseEvent event : parsed) {
            JsonNode schemaNode = events.get(event.name());
            assertThat(schemaNode)
                    .as("%s declares event `%s`", key, event.name())
                    .isNotNull();
            JsonNode data = Wire.read(event.data(), JsonNode.class);
            Schema schema = schemaNode.has("$ref")
                    ? componentSchema(schemaNode.get("$ref").textValue())
                    : inline(schemaNode);
            assertValid(schema, data, key + " event " + event.name());
            if (schemaNode.path("$ref").asText().endsWith("/EventEnvelope")) {
                assertValid(GENERATED_EVENT_ENVELOPE, data, key + " event (generated EventEnvelope schema)");
                assertThat(event.id())
                        .as("the id of an event is its seq")
                        .isEqualTo(data.get("seq").asText());
            }
        }
    }

    static void assertValid(Schema schema, JsonNode document, String what) {
        List<String> errors =
                schema.validate(document).stream().map(Object::toString).toList();
        assertThat(errors).as("%s: %s", what, document).isEmpty();
    }

    /** The schema of a component, e.g. {@code #/components/schemas/RunStatus}. */
    static Schema componentSchema(String ref) {
        return SCHEMAS.computeIfAbsent(ref, r -> {
            ObjectNode schema = Wire.mapper().createObjectNode();
            schema.put("$schema", SchemaGen.DIALECT);
            schema.put("$ref", r);
            schema.set("components", DOCUMENT.get("components").deepCopy());
            return REGISTRY.getSchema(schema);
        });
    }

    private static Schema inline(JsonNode node) {
        ObjectNode schema = node.deepCopy();
        schema.put("$schema", SchemaGen.DIALECT);
        return REGISTRY.getSchema(schema);
    }

    /** One server-sent event. */
    record SseEvent(String id, String name, String data) {

        /** The events of a stream (comments and {@code retry:} lines aside). */
        static List<SseEvent> parse(String stream) {
            List<SseEvent> events = new ArrayList<>();
            String id = null;
            String name = null;
            StringBuilder data = null;
            for (String line : (stream + "\n").split("\n", -1)) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new SseEvent(id, name == null ? "message" : name, data.toString()));
                    }
                    id = null;
                    name = null;
                    data = null;
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = data == null
                            ? new StringBuilder(line.substring(6))
                            : data.append('\n').append(line.substring(6));
                }
            }
            return events;
        }
    }
}
