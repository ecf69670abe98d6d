package dev.cairn.sinks.nats;

import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.config.SinkTarget;
import dev.cairn.sinks.delivery.DeliverySink;
import dev.cairn.sinks.events.EncodedEvent;
import dev.cairn.sinks.events.StructuredJson;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes events to a NATS JetStream stream.
 *
 * <ul>
 *   <li>Subject: {@code <subject_prefix>.<thing>.<what>.v1}, the event's type without its {@code
 *       dev.cairn.} prefix ({@code cairn.events.state.entered.v1}), so consumers can filter by
 *       subject ({@code cairn.events.run.>}).
 *   <li>Body: the structured JSON; header {@code Content-Type: application/cloudevents+json}.
 *   <li>Message id ({@code Nats-Msg-Id}): the event's id. The stream drops a message whose id it
 *       saw within its duplicate window, so a re-delivery after a crash or a lost ack is stored
 *       once.
 *   <li>Acknowledgement: every message of a batch is published asynchronously, then each stream ack
 *       is awaited, in order, within {@code publish_timeout} for the whole batch. Only acked events
 *       count as delivered. (nats-server 2.9 acks once the message is in the stream's storage, which
 *       it does not fsync before acking: Cairn's promise ends at the broker's ack.)
 *   <li>Stream: created on first use ({@code create_stream: true}, file storage, subjects {@code
 *       <subject_prefix>.>}, the configured duplicate window) or expected to exist.
 * </ul>
 *
 * <p>The connection is made on the first delivery. A failed batch closes it, with whatever the
 * client still buffers, so that no message queued during an outage is flushed after its retry (out
 * of order); the next delivery connects afresh. While the server is unreachable deliveries fail
 * with {@code sink_unreachable} and the relay retries them.
 */
public final class NatsJetStreamEventSink implements DeliverySink {

    private static final String TYPE_PREFIX = "dev.cairn.";
    private static final int STREAM_NOT_FOUND = 10059;

    private final SinkTarget.Nats target;
    private final Optional<char[]> token;
    private volatile String lastError = "";
    private Connection connection;
    private JetStream jetStream;

    /** A sink publishing to {@code target}; a token secret is resolved now, through {@code secrets}. */
    public NatsJetStreamEventSink(SinkTarget.Nats target, SecretLookup secrets) {
        this.target = Objects.requireNonNull(target, "target");
        Objects.requireNonNull(secrets, "secrets");
        this.token = target.token().map(name -> new String(secrets.secret(name), StandardCharsets.UTF_8).toCharArray());
    }

    /** The subject an event of {@code type} is published to. */
    public String subject(String type) {
        String suffix = type.startsWith(TYPE_PREFIX) ? type.substring(TYPE_PREFIX.length()) : type;
        return target.subjectPrefix() + "." + suffix;
    }

    @Override
    public String describe() {
        return "nats " + String.join(",", target.servers()) + " stream " + target.stream();
    }

    @Override
    public synchronized void deliver(List<EncodedEvent> events) {
        Objects.requireNonNull(events, "events");
        if (events.isEmpty()) {
            return;
        }
        JetStream js = connect();
        try {
            publish(js, events);
        } catch (SinkException e) {
            // Drop the connection with whatever it still buffers: a message queued during an outage
            // and flushed after the retry would land out of order. The retry publishes from the
            // cursor on a fresh connection; what the server already stored is dropped as duplicate.
            closeConnection();
            throw e;
        }
    }

    private void publish(JetStream js, List<EncodedEvent> events) {
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>(events.size());
        try {
            for (EncodedEvent event : events) {
                Headers headers = new Headers().put("Content-Type", StructuredJson.CONTENT_TYPE);
                PublishOptions options = PublishOptions.builder()
                        .expectedStream(target.stream())
                        .streamTimeout(target.publishTimeout())
                        .messageId(event.id())
                        .build();
                acks.add(js.publishAsync(subject(event.type()), headers, event.json(), options));
            }
        } catch (RuntimeException e) {
            // jnats refuses to queue while it cannot write (closed, or reconnecting with a full buffer)
            throw awaitAcked(events, acks, 0, failure("publishing failed: " + e.getMessage(), e));
        }
        long deadline = System.nanoTime() + target.publishTimeout().toNanos();
        for (int i = 0; i < acks.size(); i++) {
            try {
                PublishAck ack = acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (!target.stream().equals(ack.getStream())) {
                    throw SinkException.rejected(
                                    describe(),
                                    "the ack came from stream " + ack.getStream() + ", not " + target.stream())
                            .acknowledging(i);
                }
            } catch (TimeoutException e) {
                cancel(acks, i);
                throw failure(
                                "no ack within " + target.publishTimeout().toMillis() + " ms (server down or slow?"
                                        + lastErrorSuffix() + ")",
                                e)
                        .acknowledging(i);
            } catch (ExecutionException e) {
                cancel(acks, i);
                Throwable cause = e.getCause();
                if (cause instanceof JetStreamApiException api) {
                    throw SinkException.rejected(
                                    describe(),
                                    "the stream refused event " + events.get(i).id() + ": " + api.getErrorDescription())
                            .acknowledging(i);
                }
                throw failure("publishing event " + events.get(i).id() + " failed: " + cause, cause)
                        .acknowledging(i);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel(acks, i);
                throw SinkException.interrupted(describe()).acknowledging(i);
            }
        }
    }

    /** The failure after a publish loop broke off: the leading events whose acks arrived count. */
    private SinkException awaitAcked(
            List<EncodedEvent> events, List<CompletableFuture<PublishAck>> acks, int from, SinkException failure) {
        int acked = from;
        long deadline = System.nanoTime() + target.publishTimeout().toNanos();
        for (; acked < acks.size(); acked++) {
            try {
                acks.get(acked).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        cancel(acks, acked);
        return failure.acknowledging(Math.min(acked, events.size()));
    }

    private static void cancel(List<CompletableFuture<PublishAck>> acks, int from) {
        for (int i = from; i < acks.size(); i++) {
            acks.get(i).cancel(false);
        }
    }

    private JetStream connect() {
        if (jetStream != null && connection.getStatus() != Connection.Status.CLOSED) {
            return jetStream;
        }
        closeConnection();
        Options.Builder options = new Options.Builder()
                .servers(target.servers().toArray(String[]::new))
                .connectionName("cairn-sinks")
                .connectionTimeout(target.connectTimeout())
                .maxReconnects(-1)
                .reconnectWait(Duration.ofMillis(250))
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        lastError = error;
                    }

                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        lastError = String.valueOf(exp.getMessage());
                    }
                });
        token.ifPresent(options::token);
        Connection conn;
        try {
            conn = Nats.connect(options.build());
        } catch (IOException e) {
            throw failure("cannot connect: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SinkException.interrupted(describe());
        }
        try {
            JetStreamOptions jsOptions = JetStreamOptions.builder()
                    .requestTimeout(target.publishTimeout())
                    .build();
            ensureStream(conn.jetStreamManagement(jsOptions));
            connection = conn;
            jetStream = conn.jetStream(jsOptions);
            return jetStream;
        } catch (IOException e) {
            close(conn);
            throw failure("cannot reach JetStream: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(conn);
            throw e;
        }
    }

    private void ensureStream(JetStreamManagement jsm) throws IOException {
        try {
            jsm.getStreamInfo(target.stream());
            return;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw SinkException.rejected(describe(), "reading the stream failed: " + e.getErrorDescription());
            }
        }
        if (!target.createStream()) {
            throw SinkException.rejected(
                    describe(), "the stream " + target.stream() + " does not exist and create_stream is false");
        }
        try {
            jsm.addStream(StreamConfiguration.builder()
                    .name(target.stream())
                    .subjects(target.subjectPrefix() + ".>")
                    .storageType(StorageType.File)
                    .duplicateWindow(target.duplicateWindow())
                    .build());
        } catch (JetStreamApiException e) {
            throw SinkException.rejected(describe(), "creating the stream failed: " + e.getErrorDescription());
        }
    }

    private SinkException failure(String detail, Throwable cause) {
        return SinkException.unreachable(describe(), detail, cause);
    }

    private String lastErrorSuffix() {
        String error = lastError;
        return error.isEmpty() ? "" : "; last connection error: " + error;
    }

    private void closeConnection() {
        if (connection != null) {
            close(connection);
        }
        connection = null;
        jetStream = null;
    }

    private static void close(Connection conn) {
        try {
            conn.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        closeConnection();
    }

    @Override
    public String toString() {
        return "NatsJetStreamEventSink[" + describe() + "]";
    }
}
