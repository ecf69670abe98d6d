package dev.cairn.cli;

import dev.cairn.contracts.SubmitRunResponse;
import dev.cairn.contracts.api.RunDetail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn submit FILE}: sends a pipeline to a {@code cairn server}; with {@code --wait}, follows it. */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = {
            "Submit a pipeline to a cairn server (its local inputs are uploaded first) and print the run id.",
            "With --wait, show its progress and results as `cairn run` does, exiting 1 when it did not complete."
        })
final class SubmitCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Target target;

    @Parameters(index = "0", paramLabel = "FILE", description = "The pipeline (YAML or JSON).")
    Path file;

    @Option(names = "--param", paramLabel = "NAME=VALUE", description = "A param of the pipeline; repeatable.")
    List<String> params = new ArrayList<>();

    @Option(names = "--dry-run", description = "Skip the steps that apply side effects.")
    boolean dryRun;

    @Option(names = "--wait", description = "Follow the run to its end.")
    boolean await;

    @Override
    public Integer call() {
        Cairn root = Cairn.of(spec);
        if (!target.remote()) {
            throw CliException.usage(
                    "submit needs --server URL (or CAIRN_SERVER)",
                    "To run a pipeline in this process on the home, use `cairn run FILE`.");
        }
        Map<String, String> values = Pipelines.params(params);
        Pipelines.check(file, values);
        try (Backend backend = target.open(Target.Use.READ)) {
            SubmitRunResponse submitted =
                    backend.submitPipeline(Pipelines.request(file, values, dryRun, backend.uploads()));
            if (!await) {
                root.output().result(submitted, s -> s.runId());
                return ExitCodes.OK;
            }
            Progress progress = new Progress(
                    root.terminal().err(),
                    Progress.stderrIsTerminal(),
                    root.output().json());
            progress.note("cairn: run " + submitted.runId() + " on " + backend.where());
            RunDetail detail = Watch.untilEnd(backend, submitted.runId(), progress);
            return Watch.report(root, backend, detail);
        }
    }
}
