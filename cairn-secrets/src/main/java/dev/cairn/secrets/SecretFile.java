package dev.cairn.secrets;

import java.util.Arrays;
import java.util.Objects;

/**
 * A secret delivered as a file: the name it has in the cell's secrets directory and its bytes. A
 * host turns it into a {@code dev.cairn.cells.CellFile} (written to a tmpfs, bound read-only into
 * the cell). {@link #toString()} never shows the bytes.
 */
public record SecretFile(String name, byte[] content) {

    public SecretFile {
        Objects.requireNonNull(name, "name");
        content = Objects.requireNonNull(content, "content").clone();
    }

    /** A copy of the bytes. */
    @Override
    public byte[] content() {
        return content.clone();
    }

    /** Overwrites this record's copy of the bytes with zeros. */
    public void wipe() {
        Arrays.fill(content, (byte) 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretFile f && f.name.equals(name) && Arrays.equals(f.content, content);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "SecretFile[name=" + name + ", bytes=" + content.length + "]";
    }
}
