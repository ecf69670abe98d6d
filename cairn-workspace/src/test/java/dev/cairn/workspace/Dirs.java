package dev.cairn.workspace;

import dev.cairn.json.ArtifactIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/** Test helpers: write directories, describe them, generate random ones. */
final class Dirs {

    /** Long enough ago that no snapshot finds these files racy. */
    static final FileTime OLD = FileTime.from(Instant.parse("2025-06-01T12:00:00Z"));

    private Dirs() {}

    static Path write(Path file, String content) {
        return write(file, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void executable(Path file, boolean executable) {
        try {
            Files.setPosixFilePermissions(
                    file, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void link(Path link, String target) {
        try {
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of(target));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets the modification time of every file (not links) under {@code dir} to {@link #OLD}. */
    static void age(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isRegularFile()) {
                        Files.setLastModifiedTime(file, OLD);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Everything a tree records of a directory, path by path: {@code dir}, {@code file <x|-> <sha>},
     * {@code link -> target}. Links are described, never followed.
     */
    static SortedMap<String, String> describe(Path root) {
        SortedMap<String, String> out = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (!dir.equals(root)) {
                        out.put(root.relativize(dir).toString(), "dir");
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = root.relativize(file).toString();
                    if (attrs.isSymbolicLink()) {
                        out.put(rel, "link -> " + Files.readSymbolicLink(file));
                    } else if (attrs.isRegularFile()) {
                        boolean exec = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)
                                .contains(PosixFilePermission.OWNER_EXECUTE);
                        out.put(rel, "file " + (exec ? "x " : "- ") + ArtifactIds.ofBytes(Files.readAllBytes(file)));
                    } else {
                        out.put(rel, "other");
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * A random workspace under {@code root}: nested directories (some empty), files of varied sizes
     * (some empty, some identical, some executable), links (relative, absolute, dangling, escaping).
     */
    static void random(Random random, Path root, int files) {
        try {
            Files.createDirectories(root);
            List<Path> dirs = new ArrayList<>(List.of(root));
            for (int i = 0; i < files / 4 + 1; i++) {
                Path parent = dirs.get(random.nextInt(dirs.size()));
                Path dir = parent.resolve(name(random, "d"));
                if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dir);
                    dirs.add(dir);
                }
            }
            byte[] shared = bytes(random, 300);
            for (int i = 0; i < files; i++) {
                Path file = dirs.get(random.nextInt(dirs.size())).resolve(name(random, "f"));
                if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                int kind = random.nextInt(20);
                byte[] content =
                        switch (kind) {
                            case 0 -> new byte[0];
                            case 1, 2 -> shared;
                            case 3 -> bytes(random, 70_000 + random.nextInt(50_000));
                            default -> bytes(random, random.nextInt(4000));
                        };
                Files.write(file, content);
                executable(file, random.nextInt(5) == 0);
            }
            for (int i = 0; i < Math.max(1, files / 10); i++) {
                Path dir = dirs.get(random.nextInt(dirs.size()));
                Path link = dir.resolve(name(random, "l"));
                if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String target =
                        switch (random.nextInt(4)) {
                            case 0 -> "/etc/hostname";
                            case 1 -> "../../outside/" + name(random, "x");
                            case 2 -> "missing-" + random.nextInt(100);
                            default -> ".";
                        };
                Files.createSymbolicLink(link, Path.of(target));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(Random random, String prefix) {
        String[] odd = {"", "-x", ".txt", " space", "é", "日本", "\uD83D\uDE00", ".hidden"};
        return prefix + random.nextInt(1000) + odd[random.nextInt(odd.length)];
    }

    static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A seed from {@code -Dcairn.seed}, or a new one; printed so that a failure can be replayed. */
    static long seed(String test) {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed + " (" + test + ")");
        return seed;
    }
}
