package dev.cairn.machine.stores;

/**
 * Cairn addition, an optional capability of an {@link ArtifactStore}: an append to some {@link
 * EventStore} makes this store's deferred blobs durable itself, in the same atomic write as the
 * events (an event log and a blob table in one database, committed together), so that a writer
 * need not call {@link ArtifactStore#sync()} (one more flush) before such an append.
 *
 * <p>The promise a writer relies on (P1): after {@link #syncForAppend} returned {@code true}, every
 * blob that {@link ArtifactStore#putDeferred} returned before {@code syncForAppend} began is durable
 * no later than the events of any append to {@code events} that begins afterwards. A store that
 * cannot tell for this event store returns {@code false}, and the writer syncs as usual.
 */
public interface AppendCarriesBlobs {

    /**
     * Prepares an append to {@code events}: makes durable the deferred blobs (those {@link
     * ArtifactStore#putDeferred} returned before this call began) that such an append would not
     * carry, and returns whether it carries all the others.
     *
     * @return {@code true} when the caller may append to {@code events} without {@link
     *     ArtifactStore#sync()}; {@code false} when it must sync first
     * @throws dev.cairn.machine.errors.StorageException as {@link ArtifactStore#sync()}
     */
    boolean syncForAppend(EventStore events);
}
