package dev.cairn.cli;

import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.node.CairnNode;
import dev.cairn.node.NodeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn run FILE}: runs a pipeline end to end in this process, on the embedded home, with
 * live progress, then prints each step's end and the outputs; exits 1 when the run did not complete.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run a pipeline in this process on the embedded home (SQLite + files), with live progress per step.",
            "Prints each step's end and the outputs the steps captured; exits 1 when the run did not complete.",
            "Interrupted (Ctrl-C), the run stops where it is: `cairn resume RUN` goes on from there."
        })
final class RunCommand implements Callable<Integer> {

    /** The exit code after SIGINT (128 + 2), as shells report it. */
    private static final int INTERRUPTED = 130;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline (YAML or JSON).")
    Path file;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A param of the pipeline; repeatable.")
    List<String> params = new ArrayList<>();

    @Option(names = "--dry-run", description = "Skip the steps that apply side effects (recorded as skipped).")
    boolean dryRun;

    @Option(names = "--home", paramLabel = "DIR", description = "The Cairn home (default: $CAIRN_HOME, else ~/.cairn).")
    Path home;

    @Override
    public Integer call() {
        Cairn root = Cairn.of(spec);
        Map<String, String> values = Pipelines.params(params);
        // Every error of the file and the params before anything is opened.
        Pipelines.check(file, values);
        Path where = NodeOptions.homeFrom(Optional.ofNullable(home), System.getenv());
        Progress progress = new Progress(
                root.terminal().err(),
                Progress.stderrIsTerminal(),
                root.output().json());
        CairnNode node = Target.openHome(
                where,
                Target.Use.EXECUTE,
                Optional.ofNullable(file.toAbsolutePath().normalize().getParent()));
        AtomicReference<String> current = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        // Ctrl-C or SIGTERM: the run is durable; close the home cleanly and say how to go on.
        Thread closer = Thread.ofPlatform().unstarted(() -> {
            interrupted.set(true);
            String runId = current.get();
            if (runId != null) {
                progress.note("\ncairn: interrupted; run " + runId + " stops here, `cairn resume " + runId
                        + "` goes on from its last checkpoint");
                root.terminal().flush();
            }
            node.close();
        });
        Runtime.getRuntime().addShutdownHook(closer);
        try (EmbeddedBackend backend = new EmbeddedBackend(node)) {
            PipelineRunRequest request = Pipelines.request(file, values, dryRun, backend.uploads());
            String runId = backend.submitPipeline(request).runId();
            current.set(runId);
            progress.note("cairn: run " + runId + " of " + file + (dryRun ? " (dry run)" : "") + " in " + where);
            RunDetail detail = Watch.untilEnd(backend, runId, progress);
            return Watch.report(root, backend, detail);
        } catch (RuntimeException e) {
            if (interrupted.get()) {
                return INTERRUPTED; // the shutdown hook closed the home under us; it said what to do
            }
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(closer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is closing the node
            }
        }
    }
}
