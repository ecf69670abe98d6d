package dev.cairn.machine.stores;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Seed {@code stores::ArtifactStore}: immutable, content-addressed blobs (manifests, context
 * snapshots, fact payloads, encrypted secrets, outputs).
 *
 * <p>Contract: an artifact's id is the lowercase hex SHA-256 of its bytes exactly as stored (the
 * kind is not part of the id); {@code put} is idempotent, and the same bytes always give the same
 * id. Artifacts never change once stored. A store that finds stored bytes not hashing to their id
 * reports {@code StorageError.Corruption} rather than returning them.
 *
 * <p>Methods block and fail with {@link StorageException}; implementations must be thread-safe.
 * On interrupt they stop as soon as they can, leave the flag set and throw {@link
 * StorageException#interrupted()}.
 *
 * <p>Cairn additions, as defaults over the seed's methods: {@link #putStream} and {@link
 * #openStream} move large blobs without the caller holding them in memory, and {@link #size} tells
 * how large one is (an HTTP {@code Content-Length}) without reading it. The defaults buffer
 * (they are only as good as {@code put}/{@code get}); stores SHOULD override them to stream. {@link
 * #putDeferred} and {@link #sync} let a caller that stores many small blobs pay for durability once
 * per group instead of once per blob; by default {@code putDeferred} is {@code put}, durable at once.
 */
public interface ArtifactStore {

    /**
     * Stores {@code bytes} and returns their id. {@code kind} is metadata for retention and
     * validation; storing the same bytes again returns the same id.
     */
    ArtifactId put(ArtifactKind kind, byte[] bytes);

    /**
     * The bytes of artifact {@code id}.
     *
     * @throws StorageException {@code NotFound} ({@code artifact_not_found}) when it does not exist;
     *     {@code Corruption} when the stored bytes do not hash to {@code id}
     */
    byte[] get(ArtifactId id);

    /** Whether artifact {@code id} exists, without loading it. */
    boolean exists(ArtifactId id);

    /**
     * Cairn addition: the size in bytes of artifact {@code id}. The default reads the blob ({@link
     * #get}); stores SHOULD override it to answer without reading.
     *
     * @throws StorageException {@code NotFound} ({@code artifact_not_found}) when it does not exist
     */
    default long size(ArtifactId id) {
        return get(id).length;
    }

    /**
     * Cairn addition: stores the bytes read from {@code content} (to its end) and returns their id,
     * as {@link #put}. The caller keeps ownership of {@code content} and closes it.
     *
     * @throws StorageException {@code artifact_stream_failed} when reading {@code content} fails;
     *     nothing is stored then
     */
    default ArtifactId putStream(ArtifactKind kind, InputStream content) {
        byte[] bytes;
        try {
            bytes = content.readAllBytes();
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt();
            throw StorageException.interrupted();
        } catch (IOException e) {
            throw StorageException.streamFailed(e);
        }
        return put(kind, bytes);
    }

    /**
     * Cairn addition: stores {@code bytes} as {@link #put} does, but the blob need only be durable
     * once a later {@link #sync()} returns. It is readable at once ({@code get}, {@code exists},
     * {@code openStream}); a crash before the next {@code sync()} may lose it. A caller that writes an
     * event referencing the blob calls {@code sync()} before that write is made durable, so the log
     * never points at a lost blob.
     *
     * <p>The default is {@link #put}: durable when it returns.
     */
    default ArtifactId putDeferred(ArtifactKind kind, byte[] bytes) {
        return put(kind, bytes);
    }

    /**
     * Cairn addition: returns once every blob that {@link #putDeferred} returned before this call
     * began is durable. The default does nothing, as the default {@code putDeferred} is durable.
     *
     * @throws StorageException when a deferred blob could not be made durable (it is then not stored)
     */
    default void sync() {}

    /**
     * Cairn addition: the bytes of artifact {@code id} as a stream, which the caller closes. Failures
     * known before reading (not found) are thrown here; a store that streams may report corruption
     * only when the stream ends, as an {@link IOException} from {@code read}.
     */
    default InputStream openStream(ArtifactId id) {
        return new ByteArrayInputStream(get(id));
    }
}
