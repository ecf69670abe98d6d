package dev.cairn.orchestrator.embedded;

import dev.cairn.executor.protocol.ArtifactRef;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.executor.protocol.Run;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A plain-subprocess {@code command} capability for tests (the real one, with cells, is the runner
 * node's): materializes the task's inputs in a temporary workspace, runs the command with the step's
 * environment and {@code PATH}, relays stdout lines as logs, and captures the declared outputs.
 */
final class Commands {

    private Commands() {}

    /**
     * The handler, over whichever artifact store {@code artifacts} gives at each call: a store closed
     * by an orchestrator restart is retried on the next one, as a remote node retries its uploads.
     */
    static TestWorker.Handler handler(Supplier<ArtifactStore> artifacts) {
        ArtifactStore current = new ArtifactStore() {
            @Override
            public ArtifactId put(ArtifactKind kind, byte[] bytes) {
                return retry(() -> artifacts.get().put(kind, bytes));
            }

            @Override
            public byte[] get(ArtifactId id) {
                return retry(() -> artifacts.get().get(id));
            }

            @Override
            public boolean exists(ArtifactId id) {
                return retry(() -> artifacts.get().exists(id));
            }
        };
        return (lease, control) -> run(lease, control, current);
    }

    private static <T> T retry(Supplier<T> call) {
        for (int i = 0; ; i++) {
            try {
                return call.get();
            } catch (StorageException e) {
                if (i == 500 || !e.code().equals("store_closed")) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static TaskOutcome run(LeaseEnvelope lease, TestWorker.Control control, ArtifactStore artifacts)
            throws IOException, InterruptedException {
        CommandTask task = Wire.fromTree(lease.task().meta(), CommandTask.class);
        Path workspace = Files.createTempDirectory("cairn-test-ws");
        try {
            for (InputFile input : task.inputs()) {
                Path file = workspace.resolve(input.path());
                Files.createDirectories(file.getParent());
                Files.write(file, artifacts.get(new ArtifactId(input.artifactId())));
                file.toFile().setExecutable(input.executable());
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
            List<OutputArtifact> outputs = new ArrayList<>();
            List<ArtifactRef> refs = new ArrayList<>();
            if (exit == 0) {
                List<PathMatcher> globs = task.step().outputs().stream()
                        .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                        .toList();
                try (Stream<Path> files = Files.walk(workspace)) {
                    for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                        Path relative = workspace.relativize(file);
                        if (globs.stream().anyMatch(m -> m.matches(relative))) {
                            byte[] bytes = Files.readAllBytes(file);
                            ArtifactId id = artifacts.put(new ArtifactKind.Output(), bytes);
                            String key = relative.toString();
                            outputs.add(new OutputArtifact(
                                    key,
                                    id.value(),
                                    "application/octet-stream",
                                    bytes.length,
                                    Files.isExecutable(file)));
                            refs.add(new ArtifactRef(key, "application/octet-stream", bytes.length));
                        }
                    }
                }
            }
            return new TaskOutcome.Succeeded(Wire.toTree(new StepResult(exit, Optional.empty(), refs)), outputs);
        } finally {
            try (Stream<Path> files = Files.walk(workspace)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
