package dev.cairn.workspace;

import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.json.wire.WireRange;
import dev.cairn.json.wire.WireSize;
import dev.cairn.machine.ids.ArtifactId;
import java.util.Objects;

/**
 * One entry of a {@link WorkspaceTree}: a file, a directory or a symbolic link, named by one path
 * segment ({@link Names#check}).
 *
 * <p>Internally tagged by {@code kind}: {@code {"kind":"file","name":"a.txt","mode":"regular",
 * "size":12,"digest":"…"}}, {@code {"kind":"directory","name":"src","tree":"…"}}, {@code
 * {"kind":"symlink","name":"latest","target":"v2/out"}}. Unknown fields are refused, so that a tree
 * written by a newer format is never silently read as less than it says.
 */
@WireEnum(tag = "kind", variants = VariantCase.SNAKE_CASE)
public sealed interface TreeEntry {

    /** The largest size a tree records: canonical JSON numbers are exact up to 2^53 − 1. */
    long MAX_SIZE = (1L << 53) - 1;

    /** The entry's name in its directory. */
    String name();

    /**
     * A regular file. Hard links are not kept: each name is a file of its own (their content is
     * stored once, as every blob is).
     *
     * @param name its name
     * @param mode whether it is executable
     * @param size its length in bytes
     * @param digest its content in the artifact store: the SHA-256 of its bytes
     */
    @DenyUnknownFields
    record File(
            @WirePattern(Names.PATTERN) String name,
            FileMode mode,
            @WireRange(min = 0, max = MAX_SIZE) long size,
            ArtifactId digest)
            implements TreeEntry {
        public File {
            Names.check(name);
            Objects.requireNonNull(mode, "mode");
            if (size < 0 || size > MAX_SIZE) {
                throw WorkspaceException.invalidEntry(name, "has size " + size + ", outside 0.." + MAX_SIZE);
            }
            Objects.requireNonNull(digest, "digest");
        }
    }

    /**
     * A directory: its content is the tree {@code tree}.
     *
     * @param name its name
     * @param tree the id of its tree object
     */
    @DenyUnknownFields
    record Directory(@WirePattern(Names.PATTERN) String name, TreeId tree) implements TreeEntry {
        public Directory {
            Names.check(name);
            Objects.requireNonNull(tree, "tree");
        }
    }

    /**
     * A symbolic link, kept as a link: {@code target} is its text, never resolved. A target may be
     * absolute or leave the workspace through {@code ..}: links are data. Snapshots never follow
     * links and materializations never write through one (see {@code docs/workspaces.md}).
     *
     * <p>The target is kept in the normal form the JVM can create links with: no empty segment
     * ({@code //}) and no trailing {@code /} (except the target {@code /}). A snapshot normalizes
     * the targets it reads ({@code a//b/} becomes {@code a/b}).
     *
     * @param name its name
     * @param target the link's text: non-empty, without NUL, normalized
     */
    @DenyUnknownFields
    record Symlink(
            @WirePattern(Names.PATTERN) String name,
            @WireSize(min = 1) @WirePattern(Symlink.TARGET_PATTERN) String target)
            implements TreeEntry {

        /** A link target: no NUL, no {@code //}, no trailing {@code /} unless it is {@code /}. */
        public static final String TARGET_PATTERN = "^(?!.*//)(?!.+/$)[^\\x00]+$";

        public Symlink {
            Names.check(name);
            Objects.requireNonNull(target, "target");
            if (target.isEmpty()) {
                throw WorkspaceException.invalidEntry(name, "is a link with an empty target");
            }
            if (target.indexOf('\0') >= 0) {
                throw WorkspaceException.invalidEntry(name, "is a link whose target contains NUL");
            }
            for (int i = 0; i < target.length(); i++) {
                char c = target.charAt(i);
                if (Character.isHighSurrogate(c)
                        && i + 1 < target.length()
                        && Character.isLowSurrogate(target.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw WorkspaceException.invalidEntry(name, "is a link whose target has an unpaired surrogate");
                }
            }
            if (target.contains("//") || (target.length() > 1 && target.endsWith("/"))) {
                throw WorkspaceException.invalidEntry(
                        name, "is a link whose target `" + target + "` is not normalized (`//` or a trailing `/`)");
            }
        }
    }
}
