package dev.cairn.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.cairn.schema.SchemaCatalog;
import dev.cairn.schema.SchemaExamples;
import dev.cairn.workspace.cache.CacheEntry;
import dev.cairn.workspace.cache.CacheKeyPreimage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The schemas this module ships are the ones generated from its wire types, the classpath index
 * lists them, and schema and codec agree on the examples and golden files.
 */
class WorkspaceSchemasTest {

    static final SchemaCatalog CATALOG =
            SchemaCatalog.of(WorkspaceTree.class, CacheKeyPreimage.class, CacheEntry.class);

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    @Test
    void checkedInSchemasMatchTheTypes() {
        // Fails with the command to run when they drift; -Dcairn.schemas.update=true rewrites them.
        assertThat(CATALOG.verifyOrUpdate(Path.of(System.getProperty("basedir", "."))))
                .isEmpty();
    }

    @Test
    void theClasspathIndexListsEverySchema() throws IOException {
        assertThat(List.copyOf(CATALOG.types().keySet())).isEqualTo(WorkspaceModule.SCHEMAS);
        String index = resource(SchemaCatalog.RESOURCE_DIR + "/" + SchemaCatalog.INDEX);
        assertThat(index.lines().toList()).isEqualTo(WorkspaceModule.SCHEMAS);
    }

    @TestFactory
    Stream<DynamicTest> examples() throws URISyntaxException {
        Path resources = Path.of(
                        WorkspaceSchemasTest.class.getResource("/examples").toURI())
                .getParent();
        return SchemaExamples.checks(
                        CATALOG,
                        resources.resolve("examples"),
                        resources.resolve("golden"),
                        (schema, document) -> REGISTRY.getSchema(schema).validate(document).stream()
                                .map(Error::toString)
                                .toList())
                .stream()
                .map(check -> DynamicTest.dynamicTest(check.name(), check.body()::run));
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = WorkspaceSchemasTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
