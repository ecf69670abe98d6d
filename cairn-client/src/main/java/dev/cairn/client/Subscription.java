package dev.cairn.client;

import dev.cairn.contracts.ErrorEnvelope;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A followed stream of server-sent events (a run's events, or its log lines) as an iterator that
 * blocks for the next item. When the connection breaks, or the server ends the stream before its
 * end (a server that restarts), it reconnects and resumes after the last event's id, so that no
 * item is lost and none is delivered twice. It waits before reconnecting as the server's {@code
 * retry:} field says, at most the client's reconnect delay. It gives up ({@code stream_broken}) after {@code
 * maxAttempts} reconnections in a row that brought nothing. An {@code error} event of the server is
 * thrown as its {@link CairnClientException} (or retried when retryable).
 *
 * <p>Not thread-safe: one consumer iterates. {@link #close()} from another thread ends a blocked
 * {@link #hasNext()}.
 */
public final class Subscription<T> implements Iterator<T>, AutoCloseable {

    /** Opens the stream after {@code lastId} ({@code -1}: from where the subscription started). */
    @FunctionalInterface
    interface Source {
        InputStream open(long lastId);
    }

    /** What an event means to the subscription. */
    interface Decoder<T> {
        /** The item an event carries, {@code null} for an event to skip; {@link #isLast} tells whether it ends. */
        T decode(String name, String data);

        /** Whether {@code item} is the last one (the stream's natural end). */
        boolean isLast(T item);

        /** Whether the event named {@code name} ends the stream without an item. */
        boolean isEnd(String name);

        /**
         * Whether a stream that the server ended after {@code received} items (without a last item
         * or an end event) is finished, rather than cut short.
         */
        boolean endedCleanly(int received);
    }

    private final String what;
    private final Source source;
    private final Decoder<T> decoder;
    private final int maxAttempts;
    private final Duration maxDelay;
    private Duration delay;
    private volatile BufferedReader reader;
    private long lastId = -1;
    private T pending;
    private boolean done;
    private volatile boolean closed;
    private int receivedOnConnection;
    private int failures;

    Subscription(String what, Source source, Decoder<T> decoder, int maxAttempts, Duration delay) {
        this.what = Objects.requireNonNull(what, "what");
        this.source = source;
        this.decoder = decoder;
        this.maxAttempts = maxAttempts;
        this.maxDelay = delay;
        this.delay = delay;
    }

    /** The id of the last event received, {@code -1} before the first. */
    public long lastId() {
        return lastId;
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (done || closed) {
            return false;
        }
        fill();
        return pending != null;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException(what + " has ended");
        }
        T item = pending;
        pending = null;
        return item;
    }

    private void fill() {
        while (!closed) {
            if (reader == null) {
                try {
                    reader = new BufferedReader(new InputStreamReader(source.open(lastId), StandardCharsets.UTF_8));
                    receivedOnConnection = 0;
                } catch (CairnClientException e) {
                    if (!e.retryable() || closed) {
                        throw e;
                    }
                    failed(e);
                    continue;
                }
            }
            Event event;
            try {
                event = readEvent();
            } catch (IOException | UncheckedIOException e) {
                dropConnection();
                if (closed) {
                    return;
                }
                failed(e);
                continue;
            }
            if (event == null) { // the server ended the stream
                dropConnection();
                if (decoder.endedCleanly(receivedOnConnection)) {
                    done = true;
                    return;
                }
                if (receivedOnConnection == 0) {
                    failed(null);
                }
                continue;
            }
            if (event.name().equals("error")) {
                CairnClientException error = serverError(event.data());
                dropConnection();
                if (!error.retryable()) {
                    done = true;
                    throw error;
                }
                failed(error);
                continue;
            }
            if (decoder.isEnd(event.name())) {
                dropConnection();
                done = true;
                return;
            }
            T item = decoder.decode(event.name(), event.data());
            if (event.id() != null) {
                lastId = Long.parseLong(event.id());
            }
            if (item == null) {
                continue;
            }
            receivedOnConnection++;
            failures = 0;
            pending = item;
            if (decoder.isLast(item)) {
                dropConnection();
                done = true;
            }
            return;
        }
    }

    private CairnClientException serverError(String data) {
        try {
            return CairnClientException.of(0, Wire.read(data, ErrorEnvelope.class));
        } catch (JsonException e) {
            return CairnClientException.unexpectedResponse(what, 200, "an error event that is not an envelope");
        }
    }

    private void failed(Throwable cause) {
        failures++;
        if (failures > maxAttempts) {
            done = true;
            throw CairnClientException.streamBroken(what, failures, cause);
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CairnClientException.interrupted(what);
        }
    }

    private record Event(String id, String name, String data) {}

    /** The next event, or {@code null} when the stream ended; comments and {@code retry:} consumed. */
    private Event readEvent() throws IOException {
        String id = null;
        String name = "message";
        StringBuilder data = null;
        while (true) {
            String line = reader.readLine();
            if (line == null) {
                return null;
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(id, name, data.toString());
                }
                id = null;
                name = "message";
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> name = value;
                case "data" ->
                    data = data == null
                            ? new StringBuilder(value)
                            : data.append('\n').append(value);
                case "retry" -> {
                    if (value.matches("[0-9]{1,9}")) {
                        Duration asked = Duration.ofMillis(Long.parseLong(value));
                        delay = asked.compareTo(maxDelay) < 0 ? asked : maxDelay;
                    }
                }
                default -> {} // ignored, as the format says
            }
        }
    }

    private void dropConnection() {
        BufferedReader r = reader;
        reader = null;
        if (r != null) {
            try {
                r.close();
            } catch (IOException e) {
                // nothing to keep
            }
        }
    }

    /** Stops following; a blocked {@link #hasNext()} in another thread returns {@code false}. */
    @Override
    public void close() {
        closed = true;
        dropConnection();
    }
}
