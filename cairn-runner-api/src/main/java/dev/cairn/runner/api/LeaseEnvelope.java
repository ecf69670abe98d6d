package dev.cairn.runner.api;

import dev.cairn.json.wire.WireDefault;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A lease on one task, as the control plane hands it to a runner node: the task, how long the lease
 * lasts, whether it was cancelled, and the credentials and domain the task's inputs and outputs live
 * in.
 *
 * <p>Wire form: the seed's {@code LeaseEnvelope}, snake_case. Only {@code task} is required; {@code
 * cancel} defaults to {@code false} (and is never {@code null} here, though boxed so that it may be
 * absent on input); every other field is optional and written as {@code null} when
 * empty. Timestamps are RFC 3339 ({@code DateTime<Utc>}), {@code domain_id} a UUID and {@code
 * domain_server_url} an absolute URL; like the Rust {@code url} crate, an empty path is written as
 * {@code /} ({@code https://d.example} becomes {@code https://d.example/}).
 *
 * <p>The reference implementation also carries internal peer-to-peer credentials ({@code
 * p2p_access_token}, {@code p2p_access_token_expires_at}) that it strips before a runner sees the
 * lease; Cairn does not model them, and ignores them on input like any unknown field.
 *
 * <p>{@code access_token} is a bearer credential: {@link #toString()} never prints it. It is written
 * on the wire because the envelope is how it travels; do not persist envelopes in events or logs.
 */
public record LeaseEnvelope(
        Optional<String> accessToken,
        Optional<Instant> accessTokenExpiresAt,
        Optional<Instant> leaseExpiresAt,
        @WireDefault Boolean cancel,
        Optional<String> status,
        Optional<UUID> domainId,
        Optional<URI> domainServerUrl,
        TaskSpec task) {

    public LeaseEnvelope {
        Checks.optional(accessToken, "access_token");
        Checks.optional(accessTokenExpiresAt, "access_token_expires_at");
        Checks.optional(leaseExpiresAt, "lease_expires_at");
        cancel = cancel != null && cancel;
        Checks.optional(status, "status");
        Checks.optional(domainId, "domain_id");
        domainServerUrl = Checks.optional(domainServerUrl, "domain_server_url").map(LeaseEnvelope::absoluteUrl);
        Checks.required(task, "task");
    }

    /** A lease on {@code task} with every other field empty and {@code cancel = false}. */
    public static Builder builder(TaskSpec task) {
        return new Builder(task);
    }

    /** A builder holding this lease's values. */
    public Builder toBuilder() {
        Builder b = new Builder(task);
        b.accessToken = accessToken;
        b.accessTokenExpiresAt = accessTokenExpiresAt;
        b.leaseExpiresAt = leaseExpiresAt;
        b.cancel = cancel;
        b.status = status;
        b.domainId = domainId;
        b.domainServerUrl = domainServerUrl;
        return b;
    }

    /** The lease with the access token replaced by {@code <redacted>}. */
    @Override
    public String toString() {
        return "LeaseEnvelope[accessToken=" + accessToken.map(t -> "<redacted>").orElse("none")
                + ", accessTokenExpiresAt=" + accessTokenExpiresAt
                + ", leaseExpiresAt=" + leaseExpiresAt
                + ", cancel=" + cancel
                + ", status=" + status
                + ", domainId=" + domainId
                + ", domainServerUrl=" + domainServerUrl
                + ", task=" + task
                + "]";
    }

    private static URI absoluteUrl(URI url) {
        if (!url.isAbsolute() || url.isOpaque() || url.getRawAuthority() == null) {
            throw RunnerException.invalidLease(
                    "domain_server_url",
                    "must be an absolute URL with a host, e.g. https://domain.example/, got " + url);
        }
        if (url.getRawPath() == null || url.getRawPath().isEmpty()) {
            try {
                return new URI(url.getScheme() + "://" + url.getRawAuthority() + "/"
                        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery())
                        + (url.getRawFragment() == null ? "" : "#" + url.getRawFragment()));
            } catch (URISyntaxException e) {
                throw RunnerException.invalidLease("domain_server_url", e.getMessage());
            }
        }
        return url;
    }

    /** Builds a {@link LeaseEnvelope}. */
    public static final class Builder {
        private TaskSpec task;
        private Optional<String> accessToken = Optional.empty();
        private Optional<Instant> accessTokenExpiresAt = Optional.empty();
        private Optional<Instant> leaseExpiresAt = Optional.empty();
        private boolean cancel;
        private Optional<String> status = Optional.empty();
        private Optional<UUID> domainId = Optional.empty();
        private Optional<URI> domainServerUrl = Optional.empty();

        private Builder(TaskSpec task) {
            this.task = task;
        }

        public Builder task(TaskSpec value) {
            this.task = value;
            return this;
        }

        public Builder accessToken(String value) {
            this.accessToken = Optional.ofNullable(value);
            return this;
        }

        public Builder accessTokenExpiresAt(Instant value) {
            this.accessTokenExpiresAt = Optional.ofNullable(value);
            return this;
        }

        public Builder leaseExpiresAt(Instant value) {
            this.leaseExpiresAt = Optional.ofNullable(value);
            return this;
        }

        public Builder cancel(boolean value) {
            this.cancel = value;
            return this;
        }

        public Builder status(String value) {
            this.status = Optional.ofNullable(value);
            return this;
        }

        public Builder domainId(UUID value) {
            this.domainId = Optional.ofNullable(value);
            return this;
        }

        public Builder domainServerUrl(URI value) {
            this.domainServerUrl = Optional.ofNullable(value);
            return this;
        }

        /** Validates and builds; a bad value is a {@link RunnerException} with code {@code invalid_lease}. */
        public LeaseEnvelope build() {
            return new LeaseEnvelope(
                    accessToken, accessTokenExpiresAt, leaseExpiresAt, cancel, status, domainId, domainServerUrl, task);
        }
    }
}
