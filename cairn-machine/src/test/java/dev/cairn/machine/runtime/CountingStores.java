package dev.cairn.machine.runtime;

import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.machine.stores.EventStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** Stores that count what is written through them (to prove that a refusal wrote nothing). */
final class CountingStores {

    final AtomicInteger appends = new AtomicInteger();
    final AtomicInteger appendedEvents = new AtomicInteger();
    final AtomicInteger puts = new AtomicInteger();
    final Stores stores;

    CountingStores(Stores inner) {
        EventStore events = new EventStore() {
            @Override
            public long headSeq(RunId runId) {
                return inner.events().headSeq(runId);
            }

            @Override
            public long append(RunId runId, long expectedSeq, List<EventEnvelope> batch) {
                appends.incrementAndGet();
                appendedEvents.addAndGet(batch.size());
                return inner.events().append(runId, expectedSeq, batch);
            }

            @Override
            public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq) {
                return inner.events().readRange(runId, fromSeq, toSeq);
            }
        };
        ArtifactStore artifacts = new ArtifactStore() {
            @Override
            public ArtifactId put(ArtifactKind kind, byte[] bytes) {
                puts.incrementAndGet();
                return inner.artifacts().put(kind, bytes);
            }

            @Override
            public byte[] get(ArtifactId id) {
                return inner.artifacts().get(id);
            }

            @Override
            public boolean exists(ArtifactId id) {
                return inner.artifacts().exists(id);
            }
        };
        this.stores = new Stores(events, artifacts);
    }

    boolean nothingWritten() {
        return appends.get() == 0 && puts.get() == 0;
    }
}
