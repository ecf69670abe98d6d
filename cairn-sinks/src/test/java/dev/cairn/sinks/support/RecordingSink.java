package dev.cairn.sinks.support;

import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.delivery.DeliverySink;
import dev.cairn.sinks.events.EncodedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A transport for relay tests: it keeps what it acknowledges, and can be told to fail a number of
 * deliveries (acknowledging part of a batch first), or to hold every delivery until released.
 */
public final class RecordingSink implements DeliverySink {

    private final String name;
    private final List<EncodedEvent> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile int acknowledgeBeforeFailing;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile boolean closed;

    public RecordingSink(String name) {
        this.name = name;
    }

    /** The next {@code count} deliveries fail (retryably) after acknowledging {@code acknowledged} events. */
    public RecordingSink failNext(int count, int acknowledged) {
        acknowledgeBeforeFailing = acknowledged;
        failuresLeft.set(count);
        return this;
    }

    /** Deliveries wait until {@link #release()}. */
    public RecordingSink hold() {
        gate = new CountDownLatch(1);
        return this;
    }

    public void release() {
        gate.countDown();
    }

    /** Everything acknowledged, in order (with repeats if the relay sent something again). */
    public List<EncodedEvent> received() {
        return List.copyOf(received);
    }

    public List<String> ids() {
        return received.stream().map(EncodedEvent::id).toList();
    }

    public int attempts() {
        return attempts.get();
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public void deliver(List<EncodedEvent> events) {
        attempts.incrementAndGet();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SinkException.interrupted(name);
        }
        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            int acked = Math.min(acknowledgeBeforeFailing, events.size());
            received.addAll(events.subList(0, acked));
            throw SinkException.unreachable(name, "failing on purpose", null).acknowledging(acked);
        }
        received.addAll(new ArrayList<>(events));
    }

    @Override
    public String describe() {
        return "recording " + name;
    }

    @Override
    public void close() {
        closed = true;
    }
}
