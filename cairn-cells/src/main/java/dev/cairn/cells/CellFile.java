package dev.cairn.cells;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A file placed in the cell's private file directory ({@code $CAIRN_FILES_DIR}, {@code /run/cairn/files} in
 * the sandbox), read-only, readable only by the cell. Meant for secrets delivered as files: the bytes are
 * written to a tmpfs (never a disk) on the host and removed at teardown. {@link #toString()} never shows them.
 */
public record CellFile(String name, byte[] content) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    public CellFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw CellsException.specInvalid(
                    "files", "file name '" + name + "' must be 1-128 characters of [A-Za-z0-9._-], not . or ..");
        }
        content = content.clone();
    }

    /** A copy of the content. */
    @Override
    public byte[] content() {
        return content.clone();
    }

    int size() {
        return content.length;
    }

    byte[] contentUnsafe() {
        return content;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellFile f && f.name.equals(name) && java.util.Arrays.equals(f.content, content);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + java.util.Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "CellFile[name=" + name + ", bytes=" + content.length + "]";
    }
}
