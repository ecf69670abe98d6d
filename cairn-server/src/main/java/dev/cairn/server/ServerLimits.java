package dev.cairn.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of an HTTP server. Build with {@link #builder()}; {@link #DEFAULTS} are what {@code cairn
 * server} uses.
 *
 * @param maxBodyBytes the largest JSON request body (413 {@code body_too_large} beyond)
 * @param maxArtifactBytes the largest artifact upload
 * @param sseHeartbeat how long an event or log stream waits for news before it sends a {@code :
 *     keepalive} comment (proxies close idle connections)
 * @param sseBatch how many events or log lines a stream asks the orchestrator for at once
 * @param shutdownGrace how long {@link Server#close()} waits for requests in progress
 */
public record ServerLimits(
        long maxBodyBytes, long maxArtifactBytes, Duration sseHeartbeat, int sseBatch, Duration shutdownGrace) {

    /** Default {@link #maxBodyBytes}: 16 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;

    /** Default {@link #maxArtifactBytes}: 4 GiB. */
    public static final long DEFAULT_MAX_ARTIFACT_BYTES = 4L << 30;

    /** Default {@link #sseHeartbeat}: 15 s. */
    public static final Duration DEFAULT_SSE_HEARTBEAT = Duration.ofSeconds(15);

    /** Default {@link #sseBatch}. */
    public static final int DEFAULT_SSE_BATCH = 256;

    /** Default {@link #shutdownGrace}: 10 s. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);

    /** The defaults. */
    public static final ServerLimits DEFAULTS = builder().build();

    public ServerLimits {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("max_body_bytes must be at least 1, got " + maxBodyBytes);
        }
        if (maxArtifactBytes < 1) {
            throw new IllegalArgumentException("max_artifact_bytes must be at least 1, got " + maxArtifactBytes);
        }
        Objects.requireNonNull(sseHeartbeat, "sse_heartbeat");
        if (sseHeartbeat.isNegative() || sseHeartbeat.isZero()) {
            throw new IllegalArgumentException("sse_heartbeat must be positive, got " + sseHeartbeat);
        }
        if (sseBatch < 1 || sseBatch > 10_000) {
            throw new IllegalArgumentException("sse_batch must be 1..10000, got " + sseBatch);
        }
        Objects.requireNonNull(shutdownGrace, "shutdown_grace");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdown_grace must not be negative, got " + shutdownGrace);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link ServerLimits}; validation happens in {@link #build()}. */
    public static final class Builder {
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private long maxArtifactBytes = DEFAULT_MAX_ARTIFACT_BYTES;
        private Duration sseHeartbeat = DEFAULT_SSE_HEARTBEAT;
        private int sseBatch = DEFAULT_SSE_BATCH;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

        private Builder() {}

        public Builder maxBodyBytes(long maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        public Builder maxArtifactBytes(long maxArtifactBytes) {
            this.maxArtifactBytes = maxArtifactBytes;
            return this;
        }

        public Builder sseHeartbeat(Duration sseHeartbeat) {
            this.sseHeartbeat = sseHeartbeat;
            return this;
        }

        public Builder sseBatch(int sseBatch) {
            this.sseBatch = sseBatch;
            return this;
        }

        public Builder shutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = shutdownGrace;
            return this;
        }

        public ServerLimits build() {
            return new ServerLimits(maxBodyBytes, maxArtifactBytes, sseHeartbeat, sseBatch, shutdownGrace);
        }
    }
}
