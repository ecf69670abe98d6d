package dev.cairn.sinks.config;

import dev.cairn.sinks.SinkException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/** Where an event sink sends events: a JSON Lines file, an HTTP webhook or a NATS JetStream stream. */
public sealed interface SinkTarget {

    /** The kind, as written in configurations: {@code jsonl}, {@code webhook}, {@code nats}. */
    String kind();

    /**
     * A JSON Lines file: one structured CloudEvent per line, appended.
     *
     * @param path the file (created with its directory)
     * @param fsync when the file is forced to disk
     * @param rotateBytes when present, a file that would grow beyond this many bytes is first renamed
     *     to {@code <file>.1}, {@code <file>.2}, … (the next free number) and a new file begun
     */
    record JsonLines(Path path, FsyncPolicy fsync, Optional<Long> rotateBytes) implements SinkTarget {
        public JsonLines {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(fsync, "fsync");
            Objects.requireNonNull(rotateBytes, "rotate_bytes");
            rotateBytes.ifPresent(n -> {
                if (n < 1024) {
                    throw SinkException.invalidConfig("/jsonl/rotate_bytes", "must be at least 1024, got " + n);
                }
            });
        }

        /** A file synced after every batch, never rotated. */
        public static JsonLines at(Path path) {
            return new JsonLines(path, FsyncPolicy.BATCH, Optional.empty());
        }

        @Override
        public String kind() {
            return "jsonl";
        }
    }

    /**
     * An HTTP endpoint that receives each event as a {@code POST} in structured mode ({@code
     * Content-Type: application/cloudevents+json}).
     *
     * @param url the endpoint ({@code http} or {@code https}, no user info)
     * @param secret the name of a secret: when present, each request carries {@code Cairn-Signature}
     *     (HMAC-SHA256 of the body with it)
     * @param bearer the name of a secret sent as {@code Authorization: Bearer <value>}
     * @param connectTimeout how long to wait for a connection
     * @param timeout how long to wait for the answer to one request
     * @param maxAttempts attempts per event before the batch fails (and the relay retries later)
     * @param backoff the first delay between attempts; it doubles each time, with jitter
     * @param maxBackoff the longest delay between attempts
     */
    record Webhook(
            URI url,
            Optional<String> secret,
            Optional<String> bearer,
            Duration connectTimeout,
            Duration timeout,
            int maxAttempts,
            Duration backoff,
            Duration maxBackoff)
            implements SinkTarget {

        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
        public static final int DEFAULT_MAX_ATTEMPTS = 5;
        public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(500);
        public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

        public Webhook {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(bearer, "bearer");
            String scheme = url.getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw SinkException.invalidConfig("/webhook/url", "must be an http or https URL, got " + url);
            }
            if (url.getRawUserInfo() != null) {
                throw SinkException.invalidConfig(
                        "/webhook/url", "must not contain a user or password; use bearer: SECRET_NAME");
            }
            if (url.getHost() == null) {
                throw SinkException.invalidConfig("/webhook/url", "has no host: " + url);
            }
            secret.ifPresent(s -> SecretNames.check(s, "/webhook/secret"));
            bearer.ifPresent(s -> SecretNames.check(s, "/webhook/bearer"));
            positive(connectTimeout, "/webhook/connect_timeout");
            positive(timeout, "/webhook/timeout");
            if (maxAttempts < 1 || maxAttempts > 100) {
                throw SinkException.invalidConfig("/webhook/max_attempts", "must be 1 to 100, got " + maxAttempts);
            }
            positive(backoff, "/webhook/backoff");
            positive(maxBackoff, "/webhook/max_backoff");
            if (maxBackoff.compareTo(backoff) < 0) {
                throw SinkException.invalidConfig("/webhook/max_backoff", "must not be shorter than backoff");
            }
        }

        /** {@code url} with the defaults and no signature. */
        public static Webhook to(URI url) {
            return new Webhook(
                    url,
                    Optional.empty(),
                    Optional.empty(),
                    DEFAULT_CONNECT_TIMEOUT,
                    DEFAULT_TIMEOUT,
                    DEFAULT_MAX_ATTEMPTS,
                    DEFAULT_BACKOFF,
                    DEFAULT_MAX_BACKOFF);
        }

        /** This target signing with the secret named {@code secretName}. */
        public Webhook signedWith(String secretName) {
            return new Webhook(
                    url, Optional.of(secretName), bearer, connectTimeout, timeout, maxAttempts, backoff, maxBackoff);
        }

        /** This target with other timeouts. */
        public Webhook withTimeouts(Duration connect, Duration request) {
            return new Webhook(url, secret, bearer, connect, request, maxAttempts, backoff, maxBackoff);
        }

        /** This target with another retry policy. */
        public Webhook withRetries(int attempts, Duration first, Duration longest) {
            return new Webhook(url, secret, bearer, connectTimeout, timeout, attempts, first, longest);
        }

        @Override
        public String kind() {
            return "webhook";
        }
    }

    /**
     * A NATS JetStream stream: each event is published to {@code <subjectPrefix>.<thing>.<what>.v1}
     * with the event id as message id ({@code Nats-Msg-Id}), so the server drops re-deliveries within
     * its duplicate window, and waits for the stream's acknowledgement.
     *
     * @param servers server URLs, e.g. {@code nats://127.0.0.1:4222}
     * @param stream the stream name
     * @param subjectPrefix the prefix of the subjects (the stream captures {@code <prefix>.>})
     * @param createStream whether to create the stream (file storage) when it does not exist
     * @param duplicateWindow the duplicate window of a stream this sink creates
     * @param connectTimeout how long to wait for a connection
     * @param publishTimeout how long to wait for the acknowledgements of one batch
     * @param token the name of a secret holding an authentication token
     */
    record Nats(
            List<String> servers,
            String stream,
            String subjectPrefix,
            boolean createStream,
            Duration duplicateWindow,
            Duration connectTimeout,
            Duration publishTimeout,
            Optional<String> token)
            implements SinkTarget {

        public static final String DEFAULT_STREAM = "CAIRN_EVENTS";
        public static final String DEFAULT_SUBJECT_PREFIX = "cairn.events";
        public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(5);

        private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_-]{1,64}");
        private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

        public Nats {
            servers = List.copyOf(Objects.requireNonNull(servers, "servers"));
            if (servers.isEmpty()) {
                throw SinkException.invalidConfig("/nats/url", "name at least one server");
            }
            for (String server : servers) {
                URI uri;
                try {
                    uri = URI.create(server);
                } catch (IllegalArgumentException e) {
                    throw SinkException.invalidConfig("/nats/url", "not a URL: " + server);
                }
                if (!List.of("nats", "tls").contains(uri.getScheme()) || uri.getHost() == null) {
                    throw SinkException.invalidConfig(
                            "/nats/url", "must be nats://host:port or tls://host:port, got " + server);
                }
                if (uri.getRawUserInfo() != null) {
                    throw SinkException.invalidConfig(
                            "/nats/url", "must not contain a user or password; use token: SECRET_NAME");
                }
            }
            Objects.requireNonNull(stream, "stream");
            if (!STREAM.matcher(stream).matches()) {
                throw SinkException.invalidConfig("/nats/stream", "use letters, digits, '_' and '-', got " + stream);
            }
            Objects.requireNonNull(subjectPrefix, "subject_prefix");
            if (!PREFIX.matcher(subjectPrefix).matches()) {
                throw SinkException.invalidConfig(
                        "/nats/subject_prefix", "must be dot-separated tokens without wildcards, got " + subjectPrefix);
            }
            positive(duplicateWindow, "/nats/duplicate_window");
            positive(connectTimeout, "/nats/connect_timeout");
            positive(publishTimeout, "/nats/publish_timeout");
            Objects.requireNonNull(token, "token");
            token.ifPresent(s -> SecretNames.check(s, "/nats/token"));
        }

        /** The server at {@code url} with the defaults. */
        public static Nats at(String url) {
            return new Nats(
                    List.of(url),
                    DEFAULT_STREAM,
                    DEFAULT_SUBJECT_PREFIX,
                    true,
                    DEFAULT_DUPLICATE_WINDOW,
                    DEFAULT_CONNECT_TIMEOUT,
                    DEFAULT_PUBLISH_TIMEOUT,
                    Optional.empty());
        }

        /** This target with another stream and subject prefix. */
        public Nats withStream(String streamName, String prefix) {
            return new Nats(
                    servers, streamName, prefix, createStream, duplicateWindow, connectTimeout, publishTimeout, token);
        }

        /** This target with other timeouts. */
        public Nats withTimeouts(Duration connect, Duration publish) {
            return new Nats(servers, stream, subjectPrefix, createStream, duplicateWindow, connect, publish, token);
        }

        @Override
        public String kind() {
            return "nats";
        }
    }

    private static void positive(Duration d, String pointer) {
        Objects.requireNonNull(d, pointer);
        if (d.isNegative() || d.isZero()) {
            throw SinkException.invalidConfig(pointer, "must be a positive duration");
        }
    }
}
