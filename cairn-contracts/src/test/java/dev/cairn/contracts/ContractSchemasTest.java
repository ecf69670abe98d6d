package dev.cairn.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.contracts.api.ArtifactUploaded;
import dev.cairn.contracts.api.CompletionBatch;
import dev.cairn.contracts.api.CompletionRequest;
import dev.cairn.contracts.api.CompletionResults;
import dev.cairn.contracts.api.Health;
import dev.cairn.contracts.api.LeaseBatch;
import dev.cairn.contracts.api.LogPage;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.RunPage;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.schema.SchemaCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checked-in schemas are the ones generated from the types, and the classpath lists them. */
class ContractSchemasTest {

    /**
     * Every JSON request and response body of the routes of docs/http-api.md, and the error
     * envelope (the server-sent events' {@code EventEnvelope} is kept by hand in openapi.yaml: see
     * {@link OpenApiTest#HAND_KEPT}).
     */
    static final SchemaCatalog CATALOG = SchemaCatalog.of(
            AcquireRequest.class,
            ArtifactUploaded.class,
            Completion.class,
            CompletionBatch.class,
            CompletionRequest.class,
            CompletionResults.class,
            ErrorEnvelope.class,
            Health.class,
            Heartbeat.class,
            HeartbeatAnswer.class,
            LeaseBatch.class,
            LogPage.class,
            PipelineRunRequest.class,
            ReplayResult.class,
            RunDetail.class,
            RunPage.class,
            RunRequest.class,
            RunRunnersRequest.class,
            RunRunnersResponse.class,
            RunStatus.class,
            RunSummary.class,
            RunnerInfoResponse.class,
            SubmitRunResponse.class);

    @Test
    void checkedInSchemasMatchTheTypes() {
        // Fails with the command to run when they drift; -Dcairn.schemas.update=true rewrites them.
        assertThat(CATALOG.verifyOrUpdate(Path.of(System.getProperty("basedir", "."))))
                .isEmpty();
    }

    @Test
    void theClasspathIndexListsEverySchema() throws IOException {
        assertThat(List.copyOf(CATALOG.types().keySet())).isEqualTo(Contracts.SCHEMAS);
        String index = resource(SchemaCatalog.RESOURCE_DIR + "/" + SchemaCatalog.INDEX);
        assertThat(index.lines().toList()).isEqualTo(Contracts.SCHEMAS);
        for (String name : Contracts.SCHEMAS) {
            assertThat(resource(SchemaCatalog.RESOURCE_DIR + "/" + name + SchemaCatalog.SUFFIX))
                    .contains("\"title\": \"" + name + "\"");
        }
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = ContractSchemasTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
