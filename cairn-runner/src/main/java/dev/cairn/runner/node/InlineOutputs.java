package dev.cairn.runner.node;

import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.json.ArtifactIds;
import dev.cairn.runner.api.lease.OutputArtifact;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The small outputs of one task held by its {@link StoreArtifactSink} instead of being uploaded:
 * their bytes travel with the task's completion ({@link OutputCarrier}), which saves a request per
 * output. An output is held when it is at most {@value InlineOutput#MAX_BYTES} bytes and the task
 * holds fewer than {@value #MAX_OUTPUTS} outputs of {@value #MAX_BYTES} bytes in all; any other is
 * uploaded as before. Thread-safe.
 */
final class InlineOutputs {

    /** The most outputs one task holds. */
    static final int MAX_OUTPUTS = 64;

    /** The most bytes one task holds: 256 KiB, so that a completion request carries at least 16 tasks'. */
    static final int MAX_BYTES = 256 * 1024;

    private final Map<String, byte[]> held = new LinkedHashMap<>();
    private long total;

    /**
     * Holds a copy of {@code bytes} when they fit; their artifact id then, empty when they must be
     * uploaded.
     */
    Optional<String> hold(byte[] bytes) {
        if (bytes.length > InlineOutput.MAX_BYTES) {
            return Optional.empty();
        }
        String id = ArtifactIds.ofBytes(bytes);
        synchronized (held) {
            if (held.containsKey(id)) {
                return Optional.of(id);
            }
            if (held.size() >= MAX_OUTPUTS || total + bytes.length > MAX_BYTES) {
                return Optional.empty();
            }
            held.put(id, bytes.clone());
            total += bytes.length;
        }
        return Optional.of(id);
    }

    /** The held outputs that {@code outputs} name (an output whose key was written again may name none). */
    List<InlineOutput> named(List<OutputArtifact> outputs) {
        List<InlineOutput> named = new ArrayList<>();
        synchronized (held) {
            if (held.isEmpty()) {
                return List.of();
            }
            for (OutputArtifact output : outputs) {
                byte[] bytes = held.get(output.artifactId());
                InlineOutput inline = bytes == null ? null : new InlineOutput(output.artifactId(), bytes);
                if (inline != null && !named.contains(inline)) {
                    named.add(inline);
                }
            }
        }
        return named;
    }
}
