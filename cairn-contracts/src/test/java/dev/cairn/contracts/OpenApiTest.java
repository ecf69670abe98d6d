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
 * The hand-kept OpenAPI document: it parses cleanly, documents the five routes with their bodies,
 * answers every error with the envelope, and its component schemas are the generated JSON Schemas
 * (compared as trees, documentation keywords aside; and checked on every example document).
 */
class OpenApiTest {

    private static final String YAML = Contracts.openApiYaml();

    private static final JsonNode DOCUMENT = readYaml();

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

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
        assertThat(result.getOpenAPI().getPaths())
                .containsOnlyKeys("/run", "/run/{runId}/status", "/run/{runId}", "/execute", "/info");
    }

    record Route(String path, String method, String operationId, String request, String response) {}

    private static final List<Route> ROUTES = List.of(
            new Route("/run", "post", "submitRun", "RunRequest", "SubmitRunResponse"),
            new Route("/run/{runId}/status", "get", "getRunStatus", null, "RunStatus"),
            new Route("/run/{runId}", "get", "getRunResults", null, "RunSummary"),
            new Route("/execute", "post", "executeRunners", "RunRunnersRequest", "RunRunnersResponse"),
            new Route("/info", "get", "getRunnerInfo", null, "RunnerInfoResponse"));

    @Test
    void everyRouteHasItsOperationAndBodies() {
        assertThat(DOCUMENT.get("paths").properties()).hasSize(ROUTES.size());
        for (Route route : ROUTES) {
            JsonNode path = DOCUMENT.get("paths").get(route.path());
            assertThat(path).as(route.path()).isNotNull();
            assertThat(path.properties()).as(route.path() + " methods").hasSize(1);
            JsonNode operation = path.get(route.method());
            assertThat(operation).as(route.method() + " " + route.path()).isNotNull();
            assertThat(operation.get("operationId").textValue()).isEqualTo(route.operationId());
            if (route.request() == null) {
                assertThat(operation.has("requestBody")).isFalse();
            } else {
                assertThat(operation.at("/requestBody/required").booleanValue()).isTrue();
                assertThat(operation
                                .at("/requestBody/content/application~1json/schema/$ref")
                                .textValue())
                        .isEqualTo("#/components/schemas/" + route.request());
            }
            assertThat(operation
                            .at("/responses/200/content/application~1json/schema/$ref")
                            .textValue())
                    .isEqualTo("#/components/schemas/" + route.response());
            if (route.path().contains("{runId}")) {
                assertThat(resolve(operation.at("/parameters/0")).toString())
                        .contains("\"name\":\"runId\"", "\"in\":\"path\"", "\"required\":true", "\"minLength\":1");
            }
        }
    }

    @Test
    void everyErrorResponseCarriesTheEnvelope() {
        int errors = 0;
        for (Route route : ROUTES) {
            JsonNode responses =
                    DOCUMENT.get("paths").get(route.path()).get(route.method()).get("responses");
            assertThat(responses.has("default"))
                    .as(route.path() + " has a default response")
                    .isTrue();
            for (Map.Entry<String, JsonNode> response : responses.properties()) {
                String status = response.getKey();
                if (status.startsWith("2")) {
                    continue;
                }
                assertThat(status).matches("[45][0-9X]{2}|default");
                JsonNode resolved = resolve(response.getValue());
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
