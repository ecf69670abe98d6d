package dev.cairn.executor;

import dev.cairn.executor.protocol.ArchiveId;
import dev.cairn.executor.protocol.ArchiveReadRequest;
import dev.cairn.executor.protocol.ArchiveReadResponse;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.Workspaces;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** A host for one step: an archive of a tree, and everything the executor reports, recorded. */
public class TestHost implements StepHost {

    public record Line(String level, String stream, String message) {}

    public final Workspaces workspaces;
    public final ArchiveId archive = new ArchiveId(java.util.UUID.randomUUID());
    public final TreeId tree;
    public final List<SecretMount> secrets = new ArrayList<>();
    public final List<Line> lines = new CopyOnWriteArrayList<>();
    public final List<CellEvent> events = new CopyOnWriteArrayList<>();
    public final Map<String, byte[]> outputs = new LinkedHashMap<>();
    public final AtomicBoolean cancelled = new AtomicBoolean();
    public byte[] archiveBytes = new byte[0];

    public TestHost(Workspaces workspaces, TreeId tree) {
        this.workspaces = workspaces;
        this.tree = tree;
    }

    @Override
    public String stepLabel() {
        return "test/step";
    }

    @Override
    public ArchiveReadResponse archiveRead(ArchiveReadRequest request) {
        if (!request.archiveId().equals(archive)) {
            throw new ExecutorException("unknown_archive", "no archive " + request.archiveId(), false, "", null);
        }
        int from = (int) Math.min(request.offset(), archiveBytes.length);
        int to = (int) Math.min(archiveBytes.length, from + request.max());
        return new ArchiveReadResponse(java.util.Arrays.copyOfRange(archiveBytes, from, to), to == archiveBytes.length);
    }

    @Override
    public Optional<TreeId> archiveTree(ArchiveId id) {
        return id.equals(archive) ? Optional.of(tree) : Optional.empty();
    }

    @Override
    public Workspaces workspaces() {
        return workspaces;
    }

    @Override
    public List<SecretMount> secrets() {
        return secrets;
    }

    @Override
    public void log(String level, String stream, String message) {
        lines.add(new Line(level, stream, message));
    }

    @Override
    public void lifecycle(CellEvent event) {
        events.add(event);
    }

    @Override
    public synchronized void output(String key, Path file) {
        try {
            outputs.put(key, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    public List<String> stream(String stream) {
        return lines.stream()
                .filter(l -> l.stream().equals(stream))
                .map(Line::message)
                .toList();
    }

    public String allText() {
        StringBuilder b = new StringBuilder();
        lines.forEach(l -> b.append(l.message()).append('\n'));
        events.forEach(e -> b.append(e).append('\n'));
        return b.toString();
    }
}
