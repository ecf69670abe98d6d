package dev.cairn.workspace.cache;

import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.workspace.TreeId;
import java.util.Objects;

/** What a pin keeps from collection: a whole tree (everything it reaches) or one blob. */
public sealed interface PinTarget {

    /** The artifact id of the target. */
    ArtifactId artifactId();

    /** A tree and everything below it. */
    record Tree(TreeId tree) implements PinTarget {
        public Tree {
            Objects.requireNonNull(tree, "tree");
        }

        @Override
        public ArtifactId artifactId() {
            return tree.artifactId();
        }
    }

    /** One blob. */
    record Blob(ArtifactId id) implements PinTarget {
        public Blob {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public ArtifactId artifactId() {
            return id;
        }
    }
}
