package dev.cairn.executor.archive;

import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.workspace.TreeEntry;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.TreeStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Writes a workspace tree as the workspace archive of the executor protocol: a POSIX tar stream
 * (pax interchange format, readable by GNU tar, bsdtar and Python's {@code tarfile}).
 *
 * <p>The bytes depend on the tree only: entries in tree order (a directory before its content, names
 * in UTF-8 byte order), directories as {@code path/} with mode 0755, files with 0644 or 0755, links
 * as symbolic links with their recorded target; uid, gid and modification time 0, no user or group
 * names. A path or link target longer than 99 bytes, or not ASCII, gets a pax {@code path} / {@code
 * linkpath} record; the archive ends with two zero blocks.
 */
public final class TreeArchive {

    private static final int BLOCK = 512;

    private TreeArchive() {}

    /** Writes tree {@code tree} of {@code store} to {@code out} (not closed). */
    public static void write(ArtifactStore store, TreeId tree, OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        TreeStore trees = new TreeStore(store);
        writeDirectory(store, trees, tree, "", out);
        out.write(new byte[2 * BLOCK]);
    }

    private static void writeDirectory(ArtifactStore store, TreeStore trees, TreeId id, String prefix, OutputStream out)
            throws IOException {
        for (TreeEntry entry : trees.read(id).entries()) {
            String path = prefix + entry.name();
            switch (entry) {
                case TreeEntry.Directory d -> {
                    header(out, path + "/", '5', 0755, 0, "");
                    writeDirectory(store, trees, d.tree(), path + "/", out);
                }
                case TreeEntry.File f -> {
                    header(
                            out,
                            path,
                            '0',
                            f.mode() == dev.cairn.workspace.FileMode.EXECUTABLE ? 0755 : 0644,
                            f.size(),
                            "");
                    long copied = 0;
                    if (f.size() > 0) {
                        try (InputStream in = store.openStream(f.digest())) {
                            copied = in.transferTo(out);
                        }
                    }
                    if (copied != f.size()) {
                        throw new IOException("blob " + f.digest() + " of " + path + " holds " + copied
                                + " bytes, the tree says " + f.size());
                    }
                    pad(out, f.size());
                }
                case TreeEntry.Symlink l -> header(out, path, '2', 0777, 0, l.target());
            }
        }
    }

    private static void header(OutputStream out, String path, char type, int mode, long size, String link)
            throws IOException {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        byte[] target = link.getBytes(StandardCharsets.UTF_8);
        boolean longName = name.length > 99 || !ascii(name);
        boolean longLink = target.length > 99 || !ascii(target);
        if (longName || longLink) {
            StringBuilder pax = new StringBuilder();
            if (longName) {
                pax.append(paxRecord("path", path));
            }
            if (longLink) {
                pax.append(paxRecord("linkpath", link));
            }
            byte[] body = pax.toString().getBytes(StandardCharsets.UTF_8);
            out.write(block("PaxHeader/entry", 'x', 0644, body.length, ""));
            out.write(body);
            pad(out, body.length);
        }
        out.write(block(longName ? "entry" + (type == '5' ? "/" : "") : path, type, mode, size, longLink ? "" : link));
    }

    /** {@code "<len> key=value\n"}, where len counts the whole record, itself included. */
    private static String paxRecord(String key, String value) {
        int body = key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length + 3;
        int len = body + Integer.toString(body).length();
        if (Integer.toString(len).length() != Integer.toString(body).length()) {
            len++;
        }
        return len + " " + key + "=" + value + "\n";
    }

    private static byte[] block(String name, char type, int mode, long size, String link) {
        byte[] h = new byte[BLOCK];
        put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 0);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = (byte) type;
        put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
        put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("value " + value + " does not fit a tar header field");
        }
        s = "0".repeat(len - 1 - s.length()) + s;
        put(h, off, len - 1, s.getBytes(StandardCharsets.US_ASCII));
        h[off + len - 1] = 0;
    }

    private static void put(byte[] h, int off, int len, byte[] value) {
        System.arraycopy(value, 0, h, off, Math.min(len, value.length));
    }

    private static boolean ascii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0x20) {
                return false;
            }
        }
        return true;
    }

    private static void pad(OutputStream out, long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
        }
    }
}
