package dev.cairn.orchestrator.embedded;

import dev.cairn.executor.protocol.ArtifactRef;
import dev.cairn.executor.protocol.CacheDecision;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.executor.protocol.Run;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.workspace.SnapshotResult;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceOptions;
import dev.cairn.workspace.Workspaces;
import dev.cairn.workspace.cache.SnapshotRefs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A {@code command} capability for tests that honours the host's side of {@link CommandTask} the way
 * the real runner does (docs/workspaces.md, "The cache protocol"): it never decides the cache, serves
 * a hit's recorded result, starts a chain from {@code parent_snapshot}, runs the command in a
 * materialized workspace, snapshots it afterwards and reports {@code committed_snapshot = tree:<id>}.
 * Every task it receives is kept, so tests can read what the host sent.
 */
final class WorkspaceCommands {

    final List<CommandTask> received = Collections.synchronizedList(new ArrayList<>());
    private final Supplier<ArtifactStore> store;

    WorkspaceCommands(Supplier<ArtifactStore> store) {
        this.store = store;
    }

    /** The tasks received for {@code stepId}. */
    List<CommandTask> tasks(String stepId) {
        synchronized (received) {
            return received.stream().filter(t -> t.stepId().equals(stepId)).toList();
        }
    }

    TestWorker.Handler handler() {
        return this::run;
    }

    private TaskOutcome run(LeaseEnvelope lease, TestWorker.Control control) throws Exception {
        CommandTask task = Wire.fromTree(lease.task().meta(), CommandTask.class);
        received.add(task);
        if (task.cache() instanceof CacheDecision.Hit) {
            return new TaskOutcome.Succeeded(
                    Wire.toTree(task.cached().orElseThrow().result()), List.of());
        }
        Workspaces workspaces = Workspaces.uncollected(store.get(), WorkspaceOptions.defaults());
        Path workspace = Files.createTempDirectory("cairn-test-ws");
        try {
            Files.delete(workspace);
            if (task.parentSnapshot().isPresent()) {
                TreeId parent =
                        switch (SnapshotRefs.parse(task.parentSnapshot().get())) {
                            case SnapshotRefs.Target.Tree t -> t.tree();
                            case SnapshotRefs.Target.Cache c -> throw new AssertionError("the host resolves parents");
                        };
                workspaces.materialize(parent, workspace);
                for (InputFile input : task.inputs()) {
                    Path file = workspace.resolve(input.path());
                    Files.createDirectories(file.getParent());
                    Files.write(file, store.get().get(new ArtifactId(input.artifactId())));
                    file.toFile().setExecutable(input.executable());
                }
            } else {
                workspaces.materialize(workspaces.inputTree(task.inputs()), workspace);
            }
            List<String> argv =
                    switch (task.step().run()) {
                        case Run.Argv a -> a.value();
                        case Run.Script s -> List.of(s.shell(), "-c", s.source());
                    };
            ProcessBuilder builder = new ProcessBuilder(argv)
                    .directory(workspace.resolve(task.step().workdir()).toFile())
                    .redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            env.clear();
            env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
            env.putAll(task.step().env());
            Process process = builder.start();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    control.log(line);
                }
            }
            int exit = process.waitFor();
            if (exit != 0) {
                return new TaskOutcome.Succeeded(
                        Wire.toTree(new StepResult(exit, Optional.empty(), List.of())), List.of());
            }
            SnapshotResult snapshot = workspaces.snapshot(workspace);
            List<OutputArtifact> outputs = new ArrayList<>();
            List<ArtifactRef> refs = new ArrayList<>();
            for (dev.cairn.workspace.OutputArtifact o :
                    workspaces.outputs(snapshot.tree(), task.step().outputs())) {
                boolean executable = Files.isExecutable(workspace.resolve(o.key()));
                outputs.add(new OutputArtifact(o.key(), o.id().value(), o.mime(), o.sizeBytes(), executable));
                refs.add(o.toArtifactRef());
            }
            StepResult result = new StepResult(exit, Optional.of(SnapshotRefs.treeRef(snapshot.tree())), refs);
            return new TaskOutcome.Succeeded(Wire.toTree(result), outputs);
        } finally {
            if (Files.exists(workspace)) {
                try (Stream<Path> files = Files.walk(workspace)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
