package dev.cairn.executor.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.schema.SchemaCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checked-in schemas are the ones generated from the types, and the classpath lists them. */
class ProtocolSchemasTest {

    /** Every wire type of the protocol that has a schema of its own. */
    static final SchemaCatalog CATALOG = SchemaCatalog.of(
            ArchiveId.class,
            ArchiveReadRequest.class,
            ArchiveReadResponse.class,
            ArtifactRef.class,
            CacheDecision.class,
            CommandStep.class,
            ExecutorInput.class,
            HostMessage.class,
            PluginMessage.class,
            SnapshotRef.class,
            StepResult.class);

    @Test
    void checkedInSchemasMatchTheTypes() {
        // Fails with the command to run when they drift; -Dcairn.schemas.update=true rewrites them.
        assertThat(CATALOG.verifyOrUpdate(Path.of(System.getProperty("basedir", "."))))
                .isEmpty();
    }

    @Test
    void theClasspathIndexListsEverySchema() throws IOException {
        assertThat(List.copyOf(CATALOG.types().keySet())).isEqualTo(ExecutorProtocol.SCHEMAS);
        String index = resource(SchemaCatalog.RESOURCE_DIR + "/" + SchemaCatalog.INDEX);
        assertThat(index.lines().toList()).isEqualTo(ExecutorProtocol.SCHEMAS);
        for (String name : ExecutorProtocol.SCHEMAS) {
            assertThat(resource(SchemaCatalog.RESOURCE_DIR + "/" + name + SchemaCatalog.SUFFIX))
                    .contains("\"title\": \"" + name + "\"");
        }
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = ProtocolSchemasTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
