package dev.cairn.executor.cell;

import dev.cairn.cell.api.SecretBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Options of a {@link CellStepExecutor}.
 *
 * @param workRoot where each step's directory (its workspace) is created; every directory on the
 *     way must be searchable by others, since a sandbox may run as its own host uid; default {@code
 *     java.io.tmpdir/cairn-steps}
 * @param secretBroker where declared secrets are resolved, for each cell only; empty: steps that
 *     declare secrets fail with {@code secrets_unavailable}
 * @param requireSandbox whether a {@code sandbox} step must fail ({@code sandbox_unavailable})
 *     rather than run as a host process where bubblewrap does not work; default {@code false}: it
 *     falls back and the step's log says so and why
 * @param secretTtlMargin added to the step's timeout to form its secrets' time to live; default 5 min
 * @param inference how a cell that asks for inference gets its endpoint; empty: such steps fail with
 *     {@code inference_unavailable}
 */
public record CellStepOptions(
        Path workRoot,
        Optional<SecretBroker> secretBroker,
        boolean requireSandbox,
        Duration secretTtlMargin,
        Optional<CellInference> inference) {

    public CellStepOptions {
        Objects.requireNonNull(workRoot, "work_root");
        if (!workRoot.isAbsolute()) {
            throw new IllegalArgumentException("work_root must be absolute: " + workRoot);
        }
        Objects.requireNonNull(secretBroker, "secret_broker");
        Objects.requireNonNull(secretTtlMargin, "secret_ttl_margin");
        Objects.requireNonNull(inference, "inference");
    }

    /** The defaults: no secret broker, sandbox with stated fallback. */
    public static CellStepOptions defaults() {
        return new CellStepOptions(
                Path.of(System.getProperty("java.io.tmpdir"), "cairn-steps").toAbsolutePath(),
                Optional.empty(),
                false,
                Duration.ofMinutes(5),
                Optional.empty());
    }

    public CellStepOptions withWorkRoot(Path value) {
        return new CellStepOptions(value, secretBroker, requireSandbox, secretTtlMargin, inference);
    }

    public CellStepOptions withSecretBroker(SecretBroker value) {
        return new CellStepOptions(workRoot, Optional.of(value), requireSandbox, secretTtlMargin, inference);
    }

    public CellStepOptions withRequireSandbox(boolean value) {
        return new CellStepOptions(workRoot, secretBroker, value, secretTtlMargin, inference);
    }

    public CellStepOptions withInference(CellInference value) {
        return new CellStepOptions(workRoot, secretBroker, requireSandbox, secretTtlMargin, Optional.of(value));
    }
}
