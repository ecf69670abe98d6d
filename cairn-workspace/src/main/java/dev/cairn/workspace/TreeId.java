package dev.cairn.workspace;

import dev.cairn.json.ArtifactIds;
import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.machine.ids.ArtifactId;
import java.util.Objects;

/**
 * The id of a workspace tree: the {@link ArtifactId} of the tree object's canonical JSON (RFC 8785),
 * i.e. 64 lowercase hex digits. The id of a workspace's root tree is the id of its snapshot. Wire
 * form: the bare string.
 */
@Transparent
public record TreeId(@WirePattern(TreeId.PATTERN) String value) implements Comparable<TreeId> {

    /** 64 lowercase hex digits. */
    public static final String PATTERN = "^[0-9a-f]{64}$";

    public TreeId {
        if (!ArtifactIds.isValid(value)) {
            throw WorkspaceException.invalidTreeId(value);
        }
    }

    /** The tree whose object is the artifact {@code id}. */
    public static TreeId of(ArtifactId id) {
        return new TreeId(Objects.requireNonNull(id, "id").value());
    }

    /** The artifact holding the tree object. */
    public ArtifactId artifactId() {
        return new ArtifactId(value);
    }

    @Override
    public int compareTo(TreeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
