package dev.cairn.workspace;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;

/**
 * What a tree keeps of a file's permissions: whether its owner may execute it, as Git and Bazel do.
 * Other permission bits, owners and times are not part of a tree, so that the same content gives the
 * same tree id whatever the umask, the user or the clock. On the wire: {@code "regular"} or {@code
 * "executable"}.
 *
 * <p>A snapshot reads the owner's execute bit; a materialization creates files with mode {@code
 * 0644} or {@code 0755}, less the process umask (which never removes owner bits in practice).
 */
@WireEnum(variants = VariantCase.SNAKE_CASE)
public enum FileMode {
    /** Not executable: materialized as {@code 0644}. */
    REGULAR,
    /** Executable: materialized as {@code 0755}. */
    EXECUTABLE;

    /** The mode of a file whose POSIX mode bits are {@code posixMode}: executable if the owner may execute it. */
    public static FileMode ofPosix(int posixMode) {
        return (posixMode & 0100) != 0 ? EXECUTABLE : REGULAR;
    }

    /** The permission bits a materialization creates the file with. */
    public int posixBits() {
        return this == EXECUTABLE ? 0755 : 0644;
    }
}
