package dev.cairn.runner.node.command;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The files of a workspace that a step's {@code outputs} globs select: regular files only (symbolic
 * links are never followed or captured, so a link cannot export a file from outside the
 * workspace), matched by their {@code /}-separated path relative to the workspace root with
 * java.nio's glob syntax ({@code *} within a directory, {@code **} across directories), in sorted
 * order.
 */
final class OutputGlobs {

    private OutputGlobs() {}

    /** The relative paths of the files under {@code workspace} that match any of {@code globs}. */
    static List<String> match(Path workspace, List<String> globs) throws IOException {
        if (globs.isEmpty()) {
            return List.of();
        }
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        TreeSet<String> found = new TreeSet<>();
        Files.walkFileTree(workspace, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    Path relative = workspace.relativize(file);
                    for (PathMatcher matcher : matchers) {
                        if (matcher.matches(relative)) {
                            found.add(relative.toString().replace(java.io.File.separatorChar, '/'));
                            break;
                        }
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) {
                return FileVisitResult.CONTINUE; // unreadable entries are not outputs
            }
        });
        return List.copyOf(found);
    }
}
