package dev.cairn.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events (the WHATWG {@code text/event-stream} format) to a response. Data is
 * one line of JSON (the codec never writes a raw newline). Comments are flushed at once; events
 * when the caller has written a batch ({@link #flush()}), so that a proxy passes them on.
 */
final class SseStream {

    private final OutputStream out;

    SseStream(OutputStream out) {
        this.out = out;
    }

    /** Tells a reconnecting EventSource how long to wait; flushed. */
    void retry(long millis) throws IOException {
        write("retry: " + millis + "\n\n");
        flush();
    }

    /** A comment line, ignored by readers: keeps an idle connection open through proxies; flushed. */
    void comment(String text) throws IOException {
        write(": " + text + "\n\n");
        flush();
    }

    /** One event, not yet flushed; {@code id} may be {@code null} (no id). */
    void event(String id, String name, String data) throws IOException {
        StringBuilder event = new StringBuilder(data.length() + 64);
        if (id != null) {
            event.append("id: ").append(id).append('\n');
        }
        event.append("event: ").append(name).append('\n');
        event.append("data: ").append(data).append("\n\n");
        write(event.toString());
    }

    private void write(String text) throws IOException {
        if (text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("server-sent events carry no carriage return");
        }
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends what was written. */
    void flush() throws IOException {
        out.flush();
    }
}
