package dev.cairn.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.cairn.json.wire.Wire;
import dev.cairn.schema.SchemaExamples;
import dev.cairn.schema.SchemaGen;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The hand-kept OpenAPI document: it parses cleanly, documents every route of docs/http-api.md
 * with its bodies and the tokens that may call it, answers every error with the envelope, and its component schemas are the generated JSON Schemas
 * (compared as trees, documentation keywords aside; and checked on every example document).
 */
class OpenApiTest {

    private static final String YAML = Contracts.openApiYaml();

    private static final JsonNode DOCUMENT = readYaml();

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    /**
     * Components kept by hand, not generated: the kernel's {@code EventEnvelope}, whose generated
     * schema names a {@code RunStatus} that collides with seed 003's. cairn-server's conformance
     * test checks real events against both this component and the generated schema.
     */
    static final Set<String> HAND_KEPT = Set.of("EventEnvelope");

    /** Keywords that document a schema without constraining it. */
    private static final Set<String> ANNOTATIONS = Set.of("description", "title", "examples", "example");

    private static JsonNode readYaml() {
        try {
            return new YAMLMapper().readTree(YAML);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode schemas() {
        return DOCUMENT.at("/components/schemas");
    }

    @Test
    void parsesAsOpenApi31WithoutMessages() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIParser().readContents(YAML, null, options);
        assertThat(result.getMessages()).isEmpty();
        assertThat(result.getOpenAPI()).isNotNull();
        assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        assertThat(result.getOpenAPI().getPaths().keySet())
                .containsExactlyInAnyOrderElementsOf(
                        ROUTES.stream().map(Route::path).distinct().toList());
    }

    /**
     * One operation: its success status, and the media type and schema of its request and success
     * bodies ({@code null} when there is none, or when the body is not JSON).
     */
    record Route(
            String path,
            String method,
            String operationId,
            String request,
            String status,
            String responseMedia,
            String response,
            List<String> tokenKinds) {}

    private static final List<String> CLIENT = List.of("client");
    private static final List<String> RUNNER = List.of("runner");
    private static final List<String> BOTH = List.of("client", "runner");
    private static final List<String> OPEN = List.of();
    private static final String JSON = "application/json";

    /** Every route of docs/http-api.md. */
    static final List<Route> ROUTES = List.of(
            new Route("/run", "post", "submitRun", "RunRequest", "200", JSON, "SubmitRunResponse", CLIENT),
            new Route("/run/{runId}/status", "get", "getRunStatus", null, "200", JSON, "RunStatus", CLIENT),
            new Route("/run/{runId}", "get", "getRunResults", null, "200", JSON, "RunSummary", CLIENT),
            new Route(
                    "/execute", "post", "executeRunners", "RunRunnersRequest", "200", JSON, "RunRunnersResponse", OPEN),
            new Route("/info", "get", "getRunnerInfo", null, "200", JSON, "RunnerInfoResponse", OPEN),
            new Route(
                    "/v1/pipelines/run",
                    "post",
                    "submitPipeline",
                    "PipelineRunRequest",
                    "202",
                    JSON,
                    "SubmitRunResponse",
                    CLIENT),
            new Route("/v1/runs", "get", "listRuns", null, "200", JSON, "RunPage", CLIENT),
            new Route("/v1/runs/{runId}", "get", "getRun", null, "200", JSON, "RunDetail", CLIENT),
            new Route("/v1/runs/{runId}/cancel", "post", "cancelRun", null, "202", JSON, "RunStatus", CLIENT),
            new Route("/v1/runs/{runId}/resume", "post", "resumeRun", null, "202", JSON, "RunStatus", CLIENT),
            new Route("/v1/runs/{runId}/replay", "post", "replayRun", null, "200", JSON, "ReplayResult", CLIENT),
            new Route(
                    "/v1/runs/{runId}/events",
                    "get",
                    "streamRunEvents",
                    null,
                    "200",
                    "text/event-stream",
                    null,
                    CLIENT),
            new Route("/v1/runs/{runId}/logs", "get", "getRunLogs", null, "200", JSON, "LogPage", CLIENT),
            new Route("/v1/artifacts", "post", "uploadArtifact", null, "201", JSON, "ArtifactUploaded", BOTH),
            new Route(
                    "/v1/artifacts/{artifactId}",
                    "get",
                    "downloadArtifact",
                    null,
                    "200",
                    "application/octet-stream",
                    null,
                    BOTH),
            new Route("/v1/artifacts/{artifactId}", "head", "headArtifact", null, "200", null, null, BOTH),
            new Route(
                    "/v1/leases/acquire", "post", "acquireLeases", "AcquireRequest", "200", JSON, "LeaseBatch", RUNNER),
            new Route(
                    "/v1/leases/complete",
                    "post",
                    "completeLeases",
                    "CompletionBatch",
                    "200",
                    JSON,
                    "CompletionResults",
                    RUNNER),
            new Route(
                    "/v1/leases/{taskId}/heartbeat",
                    "post",
                    "heartbeatLease",
                    "Heartbeat",
                    "200",
                    JSON,
                    "HeartbeatAnswer",
                    RUNNER),
            new Route(
                    "/v1/leases/{taskId}/complete",
                    "post",
                    "completeLease",
                    "CompletionRequest",
                    "204",
                    null,
                    null,
                    RUNNER),
            new Route("/healthz", "get", "getHealth", null, "200", JSON, "Health", OPEN),
            new Route("/metrics", "get", "getMetrics", null, "200", "text/plain", null, OPEN),
            new Route("/openapi.yaml", "get", "getOpenApi", null, "200", "application/yaml", null, OPEN));

    private static JsonNode operation(Route route) {
        return DOCUMENT.get("paths").get(route.path()).get(route.method());
    }

    @Test
    void everyRouteHasItsOperationAndBodies() {
        int operations = 0;
        for (Map.Entry<String, JsonNode> path : DOCUMENT.get("paths").properties()) {
            operations += path.getValue().size();
        }
        assertThat(operations).isEqualTo(ROUTES.size());
        for (Route route : ROUTES) {
            JsonNode operation = operation(route);
            assertThat(operation).as(route.method() + " " + route.path()).isNotNull();
            assertThat(operation.get("operationId").textValue()).isEqualTo(route.operationId());
            if (route.request() == null) {
                assertThat(operation
                                .at("/requestBody/content/application~1json")
                                .isMissingNode())
                        .as(route.operationId() + " takes no JSON body")
                        .isTrue();
            } else {
                assertThat(operation.at("/requestBody/required").booleanValue()).isTrue();
                assertThat(operation
                                .at("/requestBody/content/application~1json/schema/$ref")
                                .textValue())
                        .isEqualTo("#/components/schemas/" + route.request());
            }
            JsonNode success = operation.at("/responses/" + route.status());
            assertThat(success.isObject())
                    .as(route.operationId() + " " + route.status())
                    .isTrue();
            assertThat(operation.get("responses").properties().stream()
                            .map(Map.Entry::getKey)
                            .filter(status -> status.startsWith("2"))
                            .toList())
                    .as(route.operationId() + " has one success status")
                    .containsExactly(route.status());
            if (route.responseMedia() == null) {
                assertThat(success.has("content")).as(route.operationId()).isFalse();
            } else {
                assertThat(success.at("/content").has(route.responseMedia()))
                        .as(route.operationId() + " answers " + route.responseMedia())
                        .isTrue();
            }
            if (route.response() != null) {
                assertThat(success.at("/content/application~1json/schema/$ref").textValue())
                        .isEqualTo("#/components/schemas/" + route.response());
            }
            if (route.path().contains("{runId}")) {
                JsonNode parameter = resolve(operation.at("/parameters/0"));
                assertThat(parameter.toString()).contains("\"name\":\"runId\"", "\"in\":\"path\"", "\"required\":true");
                assertThat(parameter.at("/schema/minLength").asInt() == 1
                                || parameter.at("/schema/format").asText().equals("uuid"))
                        .as(route.operationId() + " runId")
                        .isTrue();
            }
        }
    }

    @Test
    void everyRouteNamesTheTokensThatMayCallIt() {
        for (Route route : ROUTES) {
            JsonNode operation = operation(route);
            List<String> kinds = new ArrayList<>();
            operation.path("x-cairn-token-kinds").forEach(kind -> kinds.add(kind.textValue()));
            assertThat(kinds).as(route.operationId()).isEqualTo(route.tokenKinds());
            boolean runnerService = operation.at("/tags/0").asText().equals("Runner");
            if (runnerService) {
                assertThat(operation.has("security")).as(route.operationId()).isFalse();
            } else if (kinds.isEmpty()) {
                assertThat(operation.get("security").toString())
                        .as(route.operationId())
                        .isEqualTo("[]");
                assertThat(operation.at("/responses/401").isMissingNode()).isTrue();
            } else {
                assertThat(operation.get("security").toString())
                        .as(route.operationId())
                        .isEqualTo("[{\"bearerAuth\":[]},{}]");
                assertThat(operation.at("/responses/401").isMissingNode()).isFalse();
                assertThat(operation.at("/responses/403").isMissingNode()).isFalse();
            }
        }
    }

    @Test
    void everyErrorResponseCarriesTheEnvelope() {
        int errors = 0;
        for (Route route : ROUTES) {
            JsonNode responses = operation(route).get("responses");
            assertThat(responses.has("default"))
                    .as(route.path() + " has a default response")
                    .isTrue();
            for (Map.Entry<String, JsonNode> response : responses.properties()) {
                String status = response.getKey();
                if (status.startsWith("2") || status.startsWith("3")) {
                    continue;
                }
                assertThat(status).matches("[45][0-9X]{2}|default");
                JsonNode resolved = resolve(response.getValue());
                if (route.method().equals("head")) {
                    assertThat(resolved.has("content")).as("HEAD has no body").isFalse();
                    continue;
                }
                assertThat(resolved.at("/content/application~1json/schema/$ref").textValue())
                        .as(route.path() + " " + status)
                        .isEqualTo("#/components/schemas/ErrorEnvelope");
                assertThat(resolved.get("content").properties()).hasSize(1);
                errors++;
            }
        }
        assertThat(errors).isGreaterThanOrEqualTo(ROUTES.size() * 2);
    }

    @Test
    void everyShippedSchemaIsAComponent() {
        assertThat(Contracts.SCHEMAS)
                .allSatisfy(name -> assertThat(schemas().has(name)).as(name).isTrue());
    }

    @Test
    void componentSchemasAreTheGeneratedSchemas() {
        Map<String, JsonNode> expected = new TreeMap<>();
        for (Map.Entry<String, Class<?>> entry :
                ContractSchemasTest.CATALOG.types().entrySet()) {
            ObjectNode generated = SchemaGen.schemaFor(entry.getValue());
            JsonNode defs = generated.remove("$defs");
            generated.remove("$schema");
            generated.remove("title");
            expected.put(entry.getKey(), asComponent(generated, entry.getKey()));
            if (defs != null) {
                defs.properties().forEach(def -> {
                    JsonNode component = asComponent(def.getValue(), def.getKey());
                    JsonNode previous = expected.put(def.getKey(), component);
                    assertThat(previous == null || previous.equals(component))
                            .as("%s is the same in every schema", def.getKey())
                            .isTrue();
                });
            }
        }
        TreeSet<String> components = new TreeSet<>();
        schemas().fieldNames().forEachRemaining(components::add);
        assertThat(components).containsAll(HAND_KEPT);
        assertThat(expected.keySet()).doesNotContainAnyElementsOf(HAND_KEPT);
        components.removeAll(HAND_KEPT);
        assertThat(components).isEqualTo(expected.keySet());
        List<String> drifted = new ArrayList<>();
        expected.forEach((name, schema) -> {
            if (!withoutAnnotations(schemas().get(name), false).equals(schema)) {
                drifted.add(name + ": openapi.yaml has "
                        + withoutAnnotations(schemas().get(name), false) + " but the type generates " + schema);
            }
        });
        assertThat(drifted)
                .as("component schemas that differ from the generated ones")
                .isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> examplesAgreeWithTheComponentSchemas() throws URISyntaxException {
        Path resources =
                Path.of(OpenApiTest.class.getResource("/examples").toURI()).getParent();
        // The same good/bad/golden checks as ExamplesTest, with each schema taken from openapi.yaml.
        return SchemaExamples.checks(
                        ContractSchemasTest.CATALOG,
                        resources.resolve("examples"),
                        resources.resolve("golden"),
                        (schema, document) ->
                                REGISTRY
                                        .getSchema(componentSchema(
                                                schema.get("title").textValue()))
                                        .validate(document)
                                        .stream()
                                        .map(Object::toString)
                                        .toList())
                .stream()
                .map(check -> DynamicTest.dynamicTest("openapi " + check.name(), check.body()::run));
    }

    /** A standalone schema for one component: a reference into a copy of the document's components. */
    private static JsonNode componentSchema(String name) {
        ObjectNode schema = Wire.mapper().createObjectNode();
        schema.put("$schema", SchemaGen.DIALECT);
        schema.put("$ref", "#/components/schemas/" + name);
        schema.set("components", DOCUMENT.get("components").deepCopy());
        return schema;
    }

    /** A generated schema as an OpenAPI component: references point into components/schemas. */
    private static JsonNode asComponent(JsonNode node, String self) {
        if (node.isObject()) {
            ObjectNode copy = Wire.mapper().createObjectNode();
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) {
                    String ref = e.getValue().textValue();
                    copy.put(
                            "$ref",
                            ref.equals("#")
                                    ? "#/components/schemas/" + self
                                    : ref.replace("#/$defs/", "#/components/schemas/"));
                } else {
                    copy.set(e.getKey(), asComponent(e.getValue(), self));
                }
            });
            return copy;
        }
        if (node.isArray()) {
            var copy = Wire.mapper().createArrayNode();
            node.forEach(item -> copy.add(asComponent(item, self)));
            return copy;
        }
        return node;
    }

    /** The schema without documentation keywords; property names are never taken for keywords. */
    private static JsonNode withoutAnnotations(JsonNode node, boolean propertyMap) {
        if (node.isObject()) {
            ObjectNode copy = Wire.mapper().createObjectNode();
            node.properties().forEach(e -> {
                if (propertyMap || !ANNOTATIONS.contains(e.getKey())) {
                    copy.set(
                            e.getKey(),
                            withoutAnnotations(
                                    e.getValue(), !propertyMap && e.getKey().equals("properties")));
                }
            });
            return copy;
        }
        if (node.isArray()) {
            var copy = Wire.mapper().createArrayNode();
            node.forEach(item -> copy.add(withoutAnnotations(item, false)));
            return copy;
        }
        return node;
    }

    /** Follows a local {@code $ref} (to a response or parameter component). */
    private static JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : DOCUMENT.at(ref.textValue().substring(1));
    }
}
