package dev.cairn.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Seed 003, the HTTP contracts of the orchestrator ({@code POST /run}, {@code GET
 * /run/{runId}/status}, {@code GET /run/{runId}}) and of runner services ({@code POST /execute},
 * {@code GET /info}), mirroring the TypeScript package {@code @runners/contracts}: its Zod schemas
 * are the records here, with camelCase fields, string enums and optional fields left out when
 * empty; their rules are checked by the constructors. Every error response carries an {@link
 * ErrorEnvelope}.
 *
 * <p>The module ships, as classpath resources: the OpenAPI 3.1 document of every route at
 * {@value #OPENAPI_RESOURCE} (served at {@code GET /openapi.yaml}; {@code docs/http-api.md} is the
 * route map), and a JSON Schema per JSON request
 * and response type under {@code META-INF/cairn/schemas/} ({@link #SCHEMAS}).
 */
public final class Contracts {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-contracts";

    /** Classpath location of the OpenAPI document. */
    public static final String OPENAPI_RESOURCE = "META-INF/cairn/openapi.yaml";

    /** Names of the JSON Schemas this module ships under {@code META-INF/cairn/schemas/}. */
    public static final List<String> SCHEMAS = List.of(
            "AcquireRequest",
            "ArtifactUploaded",
            "Completion",
            "CompletionBatch",
            "CompletionRequest",
            "CompletionResults",
            "ErrorEnvelope",
            "Health",
            "Heartbeat",
            "HeartbeatAnswer",
            "LeaseBatch",
            "LogPage",
            "PipelineRunRequest",
            "ReplayResult",
            "RunDetail",
            "RunPage",
            "RunRequest",
            "RunRunnersRequest",
            "RunRunnersResponse",
            "RunStatus",
            "RunSummary",
            "RunnerInfoResponse",
            "SubmitRunResponse");

    private Contracts() {}

    /** The OpenAPI document, as YAML text. */
    public static String openApiYaml() {
        try (InputStream in = Contracts.class.getClassLoader().getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
