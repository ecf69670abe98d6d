package dev.cairn.workspace.cache;

import java.time.Instant;
import java.util.Objects;

/**
 * A lease that keeps a tree or blob from collection until it expires or its owner unpins it.
 *
 * @param owner who holds it (e.g. {@code run/<id>/step/<id>/attempt/<n>}); unpinning is by owner
 * @param target what it keeps
 * @param created when it was taken (or last renewed)
 * @param expires when it stops counting, even if never unpinned (a crashed step's pins lapse)
 */
public record Pin(String owner, PinTarget target, Instant created, Instant expires) {

    public Pin {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(expires, "expires");
    }
}
