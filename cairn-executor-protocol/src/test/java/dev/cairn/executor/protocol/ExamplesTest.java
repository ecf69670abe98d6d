package dev.cairn.executor.protocol;

import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.cairn.schema.SchemaExamples;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Schema and codec agree: good examples (and golden files) pass both, bad ones fail both, with the
 * expected error code and pointer. Validated with networknt, format assertions on.
 */
class ExamplesTest {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    @TestFactory
    Stream<DynamicTest> examples() throws URISyntaxException {
        Path resources =
                Path.of(ExamplesTest.class.getResource("/examples").toURI()).getParent();
        return SchemaExamples.checks(
                        ProtocolSchemasTest.CATALOG,
                        resources.resolve("examples"),
                        resources.resolve("golden"),
                        (schema, document) -> REGISTRY.getSchema(schema).validate(document).stream()
                                .map(Error::toString)
                                .toList())
                .stream()
                .map(check -> DynamicTest.dynamicTest(check.name(), check.body()::run));
    }
}
