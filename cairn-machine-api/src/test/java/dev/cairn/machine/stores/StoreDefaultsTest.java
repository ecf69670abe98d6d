package dev.cairn.machine.stores;

import static dev.cairn.machine.Fixtures.RUN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The Cairn additions to the store ports are default methods over the seed's methods; these tests
 * run them over the smallest stores that keep the seed's contract (test fixtures, not a product).
 */
class StoreDefaultsTest {

    /** Seed-contract event store that counts the seed-method reads the defaults make. */
    static final class ListEventStore implements EventStore {
        final Map<RunId, List<EventEnvelope>> runs = new HashMap<>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public long headSeq(RunId runId) {
            List<EventEnvelope> log = runs.getOrDefault(runId, List.of());
            return log.isEmpty() ? 0 : log.get(log.size() - 1).seq();
        }

        @Override
        public long append(RunId runId, long expectedSeq, List<EventEnvelope> events) {
            long head = headSeq(runId);
            if (head != expectedSeq) {
                throw StorageException.concurrency(runId, expectedSeq, head);
            }
            for (int i = 0; i < events.size(); i++) {
                EventEnvelope e = events.get(i);
                if (!e.runId().equals(runId) || e.seq() != expectedSeq + 1 + i) {
                    throw StorageException.invalidAppend(runId, "envelope " + i + " has seq " + e.seq());
                }
            }
            runs.computeIfAbsent(runId, r -> new ArrayList<>()).addAll(events);
            return expectedSeq + events.size();
        }

        @Override
        public List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq) {
            reads.incrementAndGet();
            long from = Math.max(fromSeq, 1);
            long to = toSeq.orElse(Long.MAX_VALUE);
            return runs.getOrDefault(runId, List.of()).stream()
                    .filter(e -> e.seq() >= from && e.seq() <= to)
                    .toList();
        }
    }

    private static ListEventStore storeWith(int events) {
        ListEventStore store = new ListEventStore();
        List<EventEnvelope> batch = new ArrayList<>();
        for (int seq = 1; seq <= events; seq++) {
            batch.add(EventEnvelope.domain(RUN, seq, DomainEvent.of("tick", IntNode.valueOf(seq))));
        }
        assertThat(store.append(RUN, 0, batch)).isEqualTo(events);
        return store;
    }

    @Test
    void aSelectiveStreamKeepsKernelEventsAndTheNamedDomainEventsInOrder() {
        ListEventStore store = new ListEventStore();
        List<EventEnvelope> log = new ArrayList<>();
        for (int seq = 1; seq <= 30; seq++) {
            String name = seq % 3 == 0 ? "fact_recorded" : "progress";
            log.add(
                    seq % 2 == 0
                            ? EventEnvelope.domain(RUN, seq, DomainEvent.of(name, IntNode.valueOf(seq)))
                            : EventEnvelope.kernel(
                                    RUN,
                                    seq,
                                    new dev.cairn.machine.events.KernelEvent.RunCompleted(
                                            dev.cairn.machine.events.RunStatus.COMPLETED, Optional.empty())));
        }
        store.append(RUN, 0, log);

        List<Long> selected = store.stream(RUN, 1, 4, EventSelection.kernelAnd(java.util.Set.of("fact_recorded")))
                .map(EventEnvelope::seq)
                .toList();
        List<Long> expected = log.stream()
                .filter(e -> e.seq() % 2 == 1 || e.seq() % 3 == 0)
                .map(EventEnvelope::seq)
                .toList();

        assertThat(selected).isEqualTo(expected);
        assertThat(store.stream(RUN, 5, 4, EventSelection.ALL)
                        .map(EventEnvelope::seq)
                        .toList())
                .isEqualTo(store.stream(RUN, 5, 4).map(EventEnvelope::seq).toList());
        assertThat(new EventSelection(false, false, java.util.Set.of("progress"))
                        .selects(log.get(1).event()))
                .isTrue();
        assertThatThrownBy(() -> store.stream(RUN, 1, 4, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aPagedReadReturnsAtMostTheLimitFromTheStart() {
        ListEventStore store = storeWith(10);
        assertThat(store.readRange(RUN, 1, Optional.empty(), 4))
                .extracting(EventEnvelope::seq)
                .containsExactly(1L, 2L, 3L, 4L);
        assertThat(store.readRange(RUN, 0, Optional.empty(), 2))
                .extracting(EventEnvelope::seq)
                .containsExactly(1L, 2L);
        assertThat(store.readRange(RUN, 8, Optional.empty(), 5))
                .extracting(EventEnvelope::seq)
                .containsExactly(8L, 9L, 10L);
        assertThat(store.readRange(RUN, 3, Optional.of(4L), 10))
                .extracting(EventEnvelope::seq)
                .containsExactly(3L, 4L);
        assertThat(store.readRange(RUN, 11, Optional.empty(), 5)).isEmpty();
        assertThat(store.readRange(RUN, 5, Optional.of(2L), 5)).isEmpty();
        assertThat(store.readRange(RunId.parse("5f1d3c2a-8e4b-4f6a-9c7d-1a2b3c4d5e6f"), 1, Optional.empty(), 5))
                .isEmpty();
        assertThat(store.readRange(RUN, Long.MAX_VALUE - 1, Optional.empty(), 5))
                .isEmpty();
        assertThatThrownBy(() -> store.readRange(RUN, 1, Optional.empty(), 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.readRange(RUN, -1, Optional.empty(), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStreamReadsTheWholeLogLazilyPageByPage() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 20; round++) {
            int events = random.nextInt(50);
            int pageSize = 1 + random.nextInt(12);
            int from = random.nextInt(events + 3);
            ListEventStore store = storeWith(events);
            List<Long> seqs =
                    store.stream(RUN, from, pageSize).map(EventEnvelope::seq).toList();
            long first = Math.max(from, 1);
            List<Long> expected = new ArrayList<>();
            for (long s = first; s <= events; s++) {
                expected.add(s);
            }
            assertThat(seqs)
                    .as("events=%d page=%d from=%d", events, pageSize, from)
                    .isEqualTo(expected);
            // One seed read per full page, plus the short (possibly empty) last one.
            assertThat(store.reads.get()).isEqualTo(expected.size() / pageSize + 1);
        }
    }

    @Test
    void aStreamReadsNothingUntilConsumed() {
        ListEventStore store = storeWith(30);
        var stream = store.stream(RUN, 1, 10);
        assertThat(store.reads.get()).isZero();
        assertThat(stream.limit(3).map(EventEnvelope::seq).toList()).containsExactly(1L, 2L, 3L);
        assertThat(store.reads.get()).isEqualTo(1);
    }

    /** Seed-contract artifact store: SHA-256 ids, bytes in a map. */
    static final class MapArtifactStore implements ArtifactStore {
        final Map<ArtifactId, byte[]> blobs = new HashMap<>();

        @Override
        public ArtifactId put(ArtifactKind kind, byte[] bytes) {
            try {
                ArtifactId id = new ArtifactId(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
                blobs.putIfAbsent(id, bytes.clone());
                return id;
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public byte[] get(ArtifactId id) {
            byte[] bytes = blobs.get(id);
            if (bytes == null) {
                throw StorageException.artifactNotFound(id);
            }
            return bytes.clone();
        }

        @Override
        public boolean exists(ArtifactId id) {
            return blobs.containsKey(id);
        }
    }

    @Test
    void streamedPutsAndGetsMatchTheSeedsMethods() throws IOException {
        MapArtifactStore store = new MapArtifactStore();
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        ArtifactId id = store.putStream(new ArtifactKind.Output(), new ByteArrayInputStream(hello));
        assertThat(id.value()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(store.put(new ArtifactKind.Other("blob"), hello)).isEqualTo(id);
        try (InputStream in = store.openStream(id)) {
            assertThat(in.readAllBytes()).isEqualTo(hello);
        }
        assertThat(store.size(id)).isEqualTo(5);
        ArtifactId absent = new ArtifactId("0".repeat(64));
        assertThatThrownBy(() -> store.openStream(absent))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("artifact_not_found"));
        assertThatThrownBy(() -> store.size(absent))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("artifact_not_found"));
    }

    @Test
    void aFailingSourceStreamStoresNothing() {
        MapArtifactStore store = new MapArtifactStore();
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk gone");
            }
        };
        assertThatThrownBy(() -> store.putStream(new ArtifactKind.Output(), broken))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo("artifact_stream_failed");
                    assertThat(e.getCause()).hasMessage("disk gone");
                });
        assertThat(store.blobs).isEmpty();
    }

    @Test
    void anInterruptedSourceStreamIsAnInterruptAndStoresNothing() {
        MapArtifactStore store = new MapArtifactStore();
        InputStream interrupted = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new InterruptedIOException("interrupted while waiting for data"); // flag cleared, as pipes do
            }
        };
        try {
            assertThatThrownBy(() -> store.putStream(new ArtifactKind.Output(), interrupted))
                    .isInstanceOfSatisfying(
                            StorageException.class, e -> assertThat(e.code()).isEqualTo("interrupted"));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(store.blobs).isEmpty();
    }

    @Test
    void deferredPutsAreDurablePutsByDefault() {
        MapArtifactStore store = new MapArtifactStore();
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        ArtifactId id = store.putDeferred(new ArtifactKind.ContextSnapshot(), hello);
        assertThat(id).isEqualTo(store.put(new ArtifactKind.Output(), hello));
        assertThat(store.blobs).containsOnlyKeys(id);
        store.sync();
        assertThat(store.get(id)).isEqualTo(hello);
    }

    @Test
    void theFixtureKeepsTheAppendContract() {
        ListEventStore store = storeWith(2);
        EventEnvelope third = EventEnvelope.domain(RUN, 3, DomainEvent.of("tick", IntNode.valueOf(3)));
        assertThatThrownBy(() -> store.append(RUN, 1, List.of(third)))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("event_store_concurrency"));
        EventEnvelope gap = EventEnvelope.domain(RUN, 4, DomainEvent.of("tick", IntNode.valueOf(4)));
        assertThatThrownBy(() -> store.append(RUN, 2, List.of(gap)))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.code()).isEqualTo("invalid_append"));
        assertThat(store.append(RUN, 2, List.of(third))).isEqualTo(3);
        assertThat(store.headSeq(RUN)).isEqualTo(3);
    }
}
