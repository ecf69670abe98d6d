package dev.cairn.cli;

import dev.cairn.contracts.RunStatus;
import dev.cairn.contracts.api.ReplayResult;
import dev.cairn.contracts.api.RunDetail;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn cancel}, {@code cairn resume} and {@code cairn replay}: what a user does to a run. */
final class ControlCommands {

    private ControlCommands() {}

    static String human(RunStatus s) {
        return "run " + s.runId() + "  " + s.state().name().toLowerCase(Locale.ROOT) + "  " + s.completedJobs() + "/"
                + s.totalJobs() + " jobs done" + (s.failedJobs() > 0 ? ", " + s.failedJobs() + " failed" : "");
    }

    @Command(
            name = "cancel",
            mixinStandardHelpOptions = true,
            description = {
                "Ask a run to stop: queued tasks are dropped, running ones stop at their next heartbeat.",
                "The request is durable; cancelling a finished run changes nothing."
            })
    static final class Cancel implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
        String runId;

        @Override
        public Integer call() {
            try (Backend backend = target.open(Target.Use.READ)) {
                Cairn.of(spec).output().result(backend.cancel(runId), ControlCommands::human);
            }
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = {
                "Go on with a run that stopped without ending (its process died), from its last checkpoint.",
                "On the home, the run executes in this process, with progress, until it ends (exit 1 unless it"
                        + " completes); with --server, the server resumes it and this prints its status."
            })
    static final class Resume implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
        String runId;

        @Override
        public Integer call() {
            Cairn root = Cairn.of(spec);
            try (Backend backend = target.open(Target.Use.EXECUTE)) {
                RunStatus status = backend.resume(runId);
                if (target.remote()) {
                    root.output().result(status, ControlCommands::human);
                    return ExitCodes.OK;
                }
                Progress progress = new Progress(
                        root.terminal().err(),
                        Progress.stderrIsTerminal(),
                        root.output().json());
                progress.note("cairn: resuming run " + runId + " in " + backend.where());
                RunDetail detail = Watch.untilEnd(backend, runId, progress);
                return Watch.report(root, backend, detail);
            }
        }
    }

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = {
                "Replay a finished run offline from its recorded facts (nothing is dispatched) into a new run, and"
                        + " verify that every step's context snapshot is the original's.",
                "Exits 1 when the replay diverged, naming the first step that did."
            })
    static final class Replay implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
        String runId;

        @Override
        public Integer call() {
            ReplayResult result;
            try (Backend backend = target.open(Target.Use.READ)) {
                result = backend.replay(runId);
            }
            Cairn.of(spec)
                    .output()
                    .result(
                            result,
                            r -> (r.verified() ? "verified: " : "DIVERGED: ") + "replay " + r.replayRunId() + " of run "
                                    + r.runId()
                                    + r.divergedState()
                                            .map(s -> ", first at " + s)
                                            .orElse("") + ": "
                                    + r.message());
            return result.verified() ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }
}
