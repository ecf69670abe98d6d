package dev.cairn.workspace;

import dev.cairn.json.ArtifactIds;
import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.WireRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One directory of a workspace, as stored in the artifact store: a canonical JSON object (RFC 8785)
 * whose SHA-256 is the directory's {@link TreeId}. Directories nest by id, so a workspace is a Merkle
 * tree: equal content gives equal ids at every level, and an unchanged subtree keeps its id.
 *
 * <pre>{@code
 * {"entries":[{"kind":"directory","name":"src","tree":"…"},
 *             {"digest":"…","kind":"file","mode":"regular","name":"README","size":12}],
 *  "version":1}
 * }</pre>
 *
 * <p>Rules, checked on construction (so on every read): {@code version} is {@value #FORMAT_VERSION};
 * entries are sorted by name in UTF-8 byte order ({@link Names#ORDER}) with each name once; every
 * entry is valid ({@link TreeEntry}). Unknown fields are refused.
 *
 * @param version the format version, {@value #FORMAT_VERSION}
 * @param entries the directory's entries, sorted by name
 */
@DenyUnknownFields
public record WorkspaceTree(
        @WireRange(min = FORMAT_VERSION, max = FORMAT_VERSION) int version, List<TreeEntry> entries) {

    /** The format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** The empty directory. */
    public static final WorkspaceTree EMPTY = new WorkspaceTree(FORMAT_VERSION, List.of());

    public WorkspaceTree {
        if (version != FORMAT_VERSION) {
            throw WorkspaceException.unsupportedTreeVersion(version);
        }
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
        for (int i = 1; i < entries.size(); i++) {
            String previous = entries.get(i - 1).name();
            String next = entries.get(i).name();
            if (Names.compare(previous, next) >= 0) {
                throw WorkspaceException.unsortedEntries(previous, next);
            }
        }
    }

    /** A tree of {@code entries} in any order; sorts them. */
    public static WorkspaceTree of(List<? extends TreeEntry> entries) {
        List<TreeEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(TreeEntry::name, Names.ORDER));
        return new WorkspaceTree(FORMAT_VERSION, sorted);
    }

    /** The tree's canonical JSON bytes (RFC 8785): what the artifact store holds. */
    public byte[] canonicalBytes() {
        return TreeCodec.canonical(this);
    }

    /** The tree's id: the SHA-256 of {@link #canonicalBytes()}. */
    public TreeId id() {
        return new TreeId(ArtifactIds.ofBytes(canonicalBytes()));
    }

    /** The entry named {@code name}, found by binary search. */
    public Optional<TreeEntry> find(String name) {
        int lo = 0;
        int hi = entries.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Names.compare(entries.get(mid).name(), name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return Optional.of(entries.get(mid));
            }
        }
        return Optional.empty();
    }
}
