package dev.cairn.contracts.api;

import java.util.Objects;

/**
 * The answer to {@code GET /healthz} while the server serves: {@code {"status":"ok"}}. A server
 * that is stopping answers 503 with an {@link dev.cairn.contracts.ErrorEnvelope} instead (code
 * {@code shutting_down}), as every other error.
 */
public record Health(HealthStatus status) {

    public Health {
        Objects.requireNonNull(status, "status");
    }

    /** The answer of a server that serves. */
    public static Health ok() {
        return new Health(HealthStatus.OK);
    }
}
