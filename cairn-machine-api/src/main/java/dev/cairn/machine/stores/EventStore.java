package dev.cairn.machine.stores;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Seed {@code stores::EventStore}: the append-only, per-run event log, with optimistic concurrency.
 *
 * <p>Contract (the seed's, made precise from its reference runtime):
 *
 * <ul>
 *   <li>A run's log holds envelopes with {@code seq} 1, 2, 3, … without gaps. Its <em>head</em> is
 *       the last {@code seq}, 0 for a run without events (unknown runs are empty, not an error).
 *   <li>{@link #append} is atomic (all envelopes or none) and succeeds only if the head equals
 *       {@code expectedSeq}; two writers racing on the same head: exactly one wins, the other gets
 *       {@code StorageError.Concurrency}. The caller numbers the envelopes {@code expectedSeq + 1},
 *       {@code expectedSeq + 2}, … and gives them this run's id.
 *   <li>Appended envelopes are durable when {@code append} returns, and never change afterwards.
 * </ul>
 *
 * <p>Methods block and fail with {@link StorageException}; implementations are shared by all runs
 * and must be thread-safe. When the calling thread is interrupted, an implementation stops waiting
 * as soon as it can, leaves the flag set, and throws {@link StorageException#interrupted()}; an
 * interrupted append either happened entirely or not at all.
 *
 * <p>Cairn additions, built on the seed's methods as defaults so every store has them: {@link
 * #readRange(RunId, long, Optional, int)} reads one bounded page, {@link #stream(RunId, long, int)}
 * reads a long log page by page, and {@link #stream(RunId, long, int, EventSelection)} reads only
 * the events selected. Stores with a cheaper native paging or selection may override them.
 */
public interface EventStore {

    /** The head of {@code runId}'s log: the last {@code seq}, or 0 when the run has no events. */
    long headSeq(RunId runId);

    /**
     * Appends {@code events} atomically if the head is {@code expectedSeq}.
     *
     * @param expectedSeq the head the caller last saw ({@code >= 0})
     * @param events envelopes of {@code runId} numbered {@code expectedSeq + 1}, {@code expectedSeq +
     *     2}, …; an empty list appends nothing (the head is still checked)
     * @return the new head, {@code expectedSeq + events.size()}
     * @throws StorageException {@code Concurrency} ({@code event_store_concurrency}) when the head is
     *     not {@code expectedSeq}; {@code Other} ({@code invalid_append}) when an envelope has another
     *     run id or the wrong {@code seq}
     */
    long append(RunId runId, long expectedSeq, List<EventEnvelope> events);

    /**
     * The envelopes of {@code runId} with {@code fromSeq <= seq <= toSeq} (to the head when {@code
     * toSeq} is empty), in {@code seq} order. {@code fromSeq} 0 reads from 1; a range past the head,
     * an inverted range, or an unknown run reads as empty.
     */
    List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq);

    /**
     * Cairn addition: at most {@code limit} envelopes from {@code fromSeq} (bounded by {@code toSeq}
     * when present), in {@code seq} order. The default narrows the seed's {@link #readRange(RunId,
     * long, Optional)} to {@code [fromSeq, fromSeq + limit - 1]}, which the gap-free numbering makes
     * exactly one page.
     *
     * @param limit the page size, at least 1
     */
    default List<EventEnvelope> readRange(RunId runId, long fromSeq, Optional<Long> toSeq, int limit) {
        if (fromSeq < 0) {
            throw new IllegalArgumentException("fromSeq must be >= 0, got " + fromSeq);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        long from = Math.max(fromSeq, 1);
        long pageEnd = from > Long.MAX_VALUE - (limit - 1) ? Long.MAX_VALUE : from + (limit - 1);
        long to = toSeq.map(bound -> Math.min(bound, pageEnd)).orElse(pageEnd);
        List<EventEnvelope> page = readRange(runId, from, Optional.of(to));
        return page.size() <= limit ? page : page.subList(0, limit);
    }

    /**
     * Cairn addition: the log of {@code runId} from {@code fromSeq}, read lazily {@code pageSize}
     * envelopes at a time, so a long log never has to fit in memory. The stream ends at the first
     * short page; envelopes appended while it is consumed may or may not be included. A read that
     * fails throws {@link StorageException} from the stream operation that needed it.
     */
    default Stream<EventEnvelope> stream(RunId runId, long fromSeq, int pageSize) {
        if (fromSeq < 0) {
            throw new IllegalArgumentException("fromSeq must be >= 0, got " + fromSeq);
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1, got " + pageSize);
        }
        Iterator<EventEnvelope> pages = new Iterator<>() {
            private long next = Math.max(fromSeq, 1);
            private Iterator<EventEnvelope> page = List.<EventEnvelope>of().iterator();
            private boolean last = false;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !last) {
                    List<EventEnvelope> read = readRange(runId, next, Optional.empty(), pageSize);
                    last = read.size() < pageSize;
                    if (!read.isEmpty()) {
                        next = read.get(read.size() - 1).seq() + 1;
                    }
                    page = read.iterator();
                }
                return page.hasNext();
            }

            @Override
            public EventEnvelope next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                        pages, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE),
                false);
    }

    /**
     * Cairn addition: the events of {@code runId} from {@code fromSeq} that {@code selection}
     * selects, in {@code seq} order, read lazily as {@link #stream(RunId, long, int)} does. The
     * result has gaps in {@code seq} where events were left out. The default filters the whole
     * stream; a store that can select without decoding (by kind and name) should override it:
     * resume reads a run's kernel events and facts only, and a log may hold millions of other
     * domain events.
     *
     * @param pageSize how many events to read at a time, at least 1
     */
    default Stream<EventEnvelope> stream(RunId runId, long fromSeq, int pageSize, EventSelection selection) {
        Objects.requireNonNull(selection, "selection");
        Stream<EventEnvelope> all = stream(runId, fromSeq, pageSize);
        return selection.equals(EventSelection.ALL) ? all : all.filter(e -> selection.selects(e.event()));
    }
}
