package dev.cairn.executor.cell;

import java.util.Map;
import java.util.Optional;

/**
 * The port through which the built-in executor gives a cell inference ({@code
 * CommandStep.inference}): for each cell that asks, {@link #open} starts an endpoint only that cell is
 * granted, and the session is closed after the cell's teardown. {@code cairn-node} implements it with
 * {@code cairn-inference}'s per-cell loopback endpoints over the home's broker and token budgets; a
 * runner without it (a remote {@code cairn worker}) refuses such steps with {@code
 * inference_unavailable}.
 */
@FunctionalInterface
public interface CellInference {

    /**
     * Starts an endpoint for {@code cellId}, its requests charged to {@code runId}'s budget.
     *
     * @param maxTokens the most one request may ask for, and what a request without a limit
     *     reserves; empty: the endpoint's defaults
     * @throws RuntimeException a coded exception when the endpoint cannot start
     */
    Session open(String cellId, String runId, Optional<Long> maxTokens);

    /** One cell's endpoint. */
    interface Session extends AutoCloseable {

        /** The TCP endpoint to grant the cell, {@code 127.0.0.1:<port>}. */
        String grant();

        /**
         * The variables the cell gets: {@code OPENAI_BASE_URL}, and {@code OPENAI_API_KEY} holding a
         * token for this endpoint only (never the upstream key).
         */
        Map<String, String> environment();

        /** The token, to mask in the step's output. */
        String token();

        /** Stops the endpoint; afterwards its token is worthless. Idempotent. */
        @Override
        void close();
    }
}
