package dev.cairn.runner.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An input fetched to the local file system: the content id, the file holding it, what the domain
 * server said about it, and any files that came with it (related files, extracted archive entries).
 *
 * <p>{@link #close()} deletes what the input source created for this input when {@code
 * deleteOnClose} is set (inputs from the default {@link InputSource#materialize(String)} are): the
 * extracted paths (recursively), the related files, the file itself, then {@code rootDir} if that
 * left it empty. Inputs that point at files someone else owns ({@link #of(String, Path)}) are left
 * alone. Closing twice is harmless.
 */
public record MaterializedInput(
        String cid,
        Path path,
        Optional<String> dataId,
        Optional<String> name,
        Optional<String> dataType,
        Optional<String> domainId,
        Path rootDir,
        List<Path> relatedFiles,
        List<Path> extractedPaths,
        boolean deleteOnClose)
        implements AutoCloseable {

    public MaterializedInput {
        Checks.required(cid, "cid");
        Checks.required(path, "path");
        Checks.optional(dataId, "data_id");
        Checks.optional(name, "name");
        Checks.optional(dataType, "data_type");
        Checks.optional(domainId, "domain_id");
        Checks.required(rootDir, "root_dir");
        relatedFiles = List.copyOf(Checks.required(relatedFiles, "related_files"));
        extractedPaths = List.copyOf(Checks.required(extractedPaths, "extracted_paths"));
    }

    /**
     * An input at {@code path} that this object does not own (closing leaves it); no metadata, and
     * {@code rootDir} is the file's parent directory, as the seed's {@code MaterializedInput::new}.
     */
    public static MaterializedInput of(String cid, Path path) {
        return create(cid, path, false);
    }

    /** As {@link #of(String, Path)}, but {@link #close()} deletes the file (and its directory, if empty). */
    public static MaterializedInput temporary(String cid, Path path) {
        return create(cid, path, true);
    }

    private static MaterializedInput create(String cid, Path path, boolean deleteOnClose) {
        Checks.required(path, "path");
        Path parent = path.toAbsolutePath().getParent();
        return new MaterializedInput(
                cid,
                path,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                parent == null ? path : parent,
                List.of(),
                List.of(),
                deleteOnClose);
    }

    /** Deletes the files this input owns; see the class comment. */
    @Override
    public void close() throws RunnerException {
        if (!deleteOnClose) {
            return;
        }
        try {
            for (Path extracted : extractedPaths) {
                deleteRecursively(extracted);
            }
            for (Path related : relatedFiles) {
                Files.deleteIfExists(related);
            }
            Files.deleteIfExists(path);
            if (Files.isDirectory(rootDir)) {
                try (Stream<Path> rest = Files.list(rootDir)) {
                    if (rest.findAny().isEmpty()) {
                        Files.deleteIfExists(rootDir);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw RunnerException.localIo("cannot delete the local copy of input " + cid, e);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
