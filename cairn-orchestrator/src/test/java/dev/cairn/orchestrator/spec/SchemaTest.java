package dev.cairn.orchestrator.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.executor.protocol.HostPort;
import dev.cairn.executor.protocol.ResourceLimits;
import dev.cairn.machine.config.RetryPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The checked-in JSON Schema: discoverable, consistent with the reader's rules and the records,
 * documented, and satisfied by every example.
 */
class SchemaTest {

    private static final JsonNode SCHEMA = SchemaCheck.schema();

    @Test
    void theSchemaIsListedInTheClasspathIndex() throws IOException {
        assertThat(resource("META-INF/cairn/schemas/index.txt").lines().toList())
                .contains("PipelineSpec");
        assertThat(SCHEMA.get("title").asText()).isEqualTo("PipelineSpec");
        assertThat(SCHEMA.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    @Test
    void everyExampleAndTheKitchenSinkSatisfyTheSchemaAlone() {
        for (Path file : Repo.examplePipelines()) {
            assertThat(SchemaCheck.validate(tree(Repo.read(file))))
                    .as(file.toString())
                    .isEmpty();
        }
        assertThat(SchemaCheck.validate(tree(Specs.resource("kitchen-sink.yaml"))))
                .isEmpty();
        assertThat(SchemaCheck.validate(SpecWriter.toJson(Specs.kitchenSink().spec())))
                .isEmpty();
    }

    @Test
    void theSchemaRefusesWhatTheReaderRefusesForShape() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("unknown field", "op: x\nstpes: []\nsteps: [{id: a, run: echo}]\n");
        bad.put("missing op", "steps: [{id: a, run: echo}]\n");
        bad.put("bad op", "op: X\nsteps: [{id: a, run: echo}]\n");
        bad.put("bad duration", "op: x\nsteps: [{id: a, run: echo, timeout: 10x}]\n");
        bad.put("missing run", "op: x\nsteps: [{id: a}]\n");
        bad.put("run on other capability", "op: x\nsteps: [{id: a, capability: /x/v1, run: echo}]\n");
        bad.put("bad env name", "op: x\nenv: {CAIRN_X: 1}\nsteps: [{id: a, run: echo}]\n");
        bad.put("input with two sources", "op: x\nsteps: [{id: a, run: echo, inputs: [{path: a, step: b}]}]\n");
        bad.put(
                "artifact without to",
                "op: x\nsteps: [{id: a, run: echo, inputs: [{artifact: " + "a".repeat(64) + "}]}]\n");
        bad.put("secret env and file", "op: x\nsteps: [{id: a, run: echo, secrets: [{name: A, env: B, file: c}]}]\n");
        bad.put("region label", "op: x\nsteps: [{id: a, run: echo, labels: {region: eu}}]\n");
        bad.put("bad region", "op: x\nsteps: [{id: a, run: echo, regions: [EU]}]\n");
        bad.put("network", "op: x\nsteps: [{id: a, run: echo, network: any}]\n");
        bad.put("param default type", "op: x\nparams: {n: {type: number, default: x}}\nsteps: [{id: a, run: echo}]\n");
        bad.put("bearer on dir", "op: x\nsteps: [{id: a, run: echo}]\nexport: {targets: {t: {dir: d, bearer: T}}}\n");
        bad.put("memory", "op: x\nsteps: [{id: a, run: echo, resources: {memory: 1 GB}}]\n");
        for (Map.Entry<String, String> entry : bad.entrySet()) {
            assertThat(SchemaCheck.validate(tree(entry.getValue())))
                    .as(entry.getKey())
                    .isNotEmpty();
            assertThat(Specs.errors(entry.getValue(), "x.yaml"))
                    .as(entry.getKey())
                    .isNotEmpty();
        }
    }

    @Test
    void theSchemasPatternsAreTheReadersPatterns() {
        Map<String, String> patterns = new LinkedHashMap<>();
        patterns.put("/$defs/id/pattern", Names.ID);
        patterns.put("/properties/version/pattern", Names.VERSION);
        patterns.put("/$defs/env/propertyNames/pattern", Names.ENV_NAME);
        patterns.put("/$defs/secret/pattern", Names.SECRET_NAME);
        patterns.put("/$defs/secret/properties/file/pattern", Names.SECRET_FILE);
        patterns.put("/$defs/step/properties/labels/propertyNames/pattern", Names.LABEL_KEY);
        patterns.put("/$defs/step/properties/regions/items/pattern", Names.REGION);
        patterns.put("/$defs/step/properties/capability/pattern", Names.CAPABILITY);
        patterns.put("/$defs/step/properties/shell/pattern", Names.SHELL);
        patterns.put("/$defs/exportArtifact/properties/name/pattern", Names.EXPORT_NAME);
        patterns.put("/$defs/exportArtifact/properties/content_type/pattern", Names.CONTENT_TYPE);
        patterns.put("/$defs/target/properties/bearer/pattern", Names.SECRET_NAME);
        patterns.put("/$defs/settings/properties/events/pattern", Names.EVENTS);
        patterns.put("/$defs/duration/pattern", Names.DURATION);
        patterns.put("/$defs/resources/properties/memory/pattern", Names.SIZE);
        patterns.put("/$defs/network/properties/allow/items/pattern", HostPort.PATTERN);
        patterns.forEach((pointer, pattern) ->
                assertThat(SCHEMA.at(pointer).asText()).as(pointer).isEqualTo(pattern));
    }

    @Test
    void theSchemasFieldsAreTheReadersFields() {
        Map<String, Set<String>> fields = new LinkedHashMap<>();
        fields.put("", SpecChecker.TOP_FIELDS);
        fields.put("/$defs/param", SpecChecker.PARAM_FIELDS);
        fields.put("/$defs/settings", SpecChecker.SETTINGS_FIELDS);
        fields.put("/$defs/retry", SpecChecker.RETRY_FIELDS);
        fields.put("/$defs/step", SpecChecker.STEP_FIELDS);
        fields.put("/$defs/secret", SpecChecker.SECRET_FIELDS);
        fields.put("/$defs/input", SpecChecker.INPUT_FIELDS);
        fields.put("/$defs/resources", SpecChecker.RESOURCES_FIELDS);
        fields.put("/$defs/network", SpecChecker.NETWORK_FIELDS);
        fields.put("/$defs/export", SpecChecker.EXPORT_FIELDS);
        fields.put("/$defs/target", SpecChecker.TARGET_FIELDS);
        fields.put("/$defs/exportArtifact", SpecChecker.EXPORT_ARTIFACT_FIELDS);
        fields.forEach((pointer, expected) -> {
            assertThat(names(SCHEMA.at(pointer + "/properties"))).as(pointer).isEqualTo(new TreeSet<>(expected));
            assertThat(SCHEMA.at(pointer + "/additionalProperties").asBoolean(true))
                    .as(pointer)
                    .isFalse();
        });
    }

    @Test
    void everyRecordComponentHasAFieldInTheFormat() {
        // component name -> field name, where they differ
        Map<String, String> renamed = Map.of(
                "defaultValue", "default",
                "maxAttempts", "attempts",
                "memoryBytes", "memory",
                "cpuSeconds", "cpu_time",
                "delivery", "env",
                "name", "name",
                "sinks", "events");
        Map<Class<?>, String> records = new LinkedHashMap<>();
        records.put(PipelineSpec.class, "");
        records.put(StepSpec.class, "/$defs/step");
        records.put(RunSettings.class, "/$defs/settings");
        records.put(RetryPolicy.class, "/$defs/retry");
        records.put(ResourceLimits.class, "/$defs/resources");
        records.put(SecretRef.class, "/$defs/secret");
        records.put(InputSpec.Local.class, "/$defs/input");
        records.put(InputSpec.FromStep.class, "/$defs/input");
        records.put(InputSpec.Artifact.class, "/$defs/input");
        records.put(ExportSpec.class, "/$defs/export");
        records.put(ExportTarget.Directory.class, "/$defs/target");
        records.put(ExportTarget.HttpPut.class, "/$defs/target");
        records.put(ExportArtifact.class, "/$defs/exportArtifact");
        records.put(ParamSpec.class, "/$defs/param");
        for (Map.Entry<Class<?>, String> record : records.entrySet()) {
            Set<String> properties = names(SCHEMA.at(record.getValue() + "/properties"));
            for (RecordComponent component : record.getKey().getRecordComponents()) {
                String field = renamed.getOrDefault(component.getName(), snake(component.getName()));
                if (record.getKey() == RunSettings.class && field.equals("mode")) {
                    assertThat(properties).contains("mode", "max_concurrency");
                    continue;
                }
                if (record.getKey() == RetryPolicy.class && field.equals("backoff")) {
                    assertThat(properties).contains("backoff", "delay", "max_delay");
                    continue;
                }
                if (record.getKey() == ParamSpec.class && field.equals("name")) {
                    continue; // the key of the params mapping
                }
                assertThat(properties)
                        .as(record.getKey().getSimpleName() + "." + component.getName())
                        .contains(field);
            }
        }
    }

    @Test
    void everyFieldOfTheSchemaIsDocumented() {
        String docs = Repo.read(Repo.root().resolve("docs/pipelines.md"));
        Set<String> all = new TreeSet<>();
        collectProperties(SCHEMA, all);
        for (String field : all) {
            assertThat(docs).as("docs/pipelines.md mentions `" + field + "`").contains("`" + field + "`");
        }
        for (SpecCode code : SpecCode.values()) {
            if (code != SpecCode.INTERNAL_ERROR) {
                assertThat(docs)
                        .as("docs/pipelines.md lists the code " + code.code())
                        .contains("`" + code.code() + "`");
            }
        }
        assertThat(docs).contains("yaml-language-server: $schema=");
    }

    private static void collectProperties(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            JsonNode properties = node.get("properties");
            if (properties != null && properties.isObject()) {
                properties.fieldNames().forEachRemaining(out::add);
            }
            node.forEach(child -> collectProperties(child, out));
        } else if (node.isArray()) {
            node.forEach(child -> collectProperties(child, out));
        }
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static JsonNode tree(String yaml) {
        Problems problems = new Problems();
        SourceTree tree = YamlTreeReader.read(yaml, SpecLimits.DEFAULTS, problems);
        assertThat(problems.isEmpty()).isTrue();
        return tree.root();
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = SchemaTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
