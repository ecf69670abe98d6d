package dev.cairn.runner.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Test double: artifacts kept in a map, with multipart uploads that commit on finish. */
final class InMemoryArtifactSink implements ArtifactSink {

    private final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();

    Optional<byte[]> artifact(String key) {
        return Optional.ofNullable(artifacts.get(key)).map(byte[]::clone);
    }

    int size() {
        return artifacts.size();
    }

    @Override
    public void putBytes(String relPath, byte[] bytes) {
        artifacts.put(ArtifactSink.requireRelativePath(relPath), bytes.clone());
    }

    @Override
    public void putFile(String relPath, Path file) {
        String key = ArtifactSink.requireRelativePath(relPath);
        try {
            artifacts.put(key, Files.readAllBytes(file));
        } catch (IOException e) {
            throw RunnerException.localIo("cannot read " + file, e);
        }
    }

    @Override
    public MultipartUpload openMultipart(String relPath) {
        String key = ArtifactSink.requireRelativePath(relPath);
        return new MultipartUpload() {
            private final ByteArrayOutputStream parts = new ByteArrayOutputStream();
            private String closed;

            @Override
            public void writeChunk(byte[] chunk) {
                requireOpen();
                parts.writeBytes(chunk);
            }

            @Override
            public void finish() {
                requireOpen();
                artifacts.put(key, parts.toByteArray());
                closed = "finished";
            }

            @Override
            public void abort() {
                if (closed == null) {
                    closed = "aborted";
                }
            }

            private void requireOpen() {
                if (closed != null) {
                    throw RunnerException.uploadClosed(key, closed);
                }
            }
        };
    }
}
