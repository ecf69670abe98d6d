package dev.cairn.cli;

import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn status RUN}: a run and each of its steps. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show a run and each step's state, attempt, time, exit code, cache use and last log line.")
final class StatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Target target;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
    String runId;

    @Override
    public Integer call() {
        try (Backend backend = target.open(Target.Use.READ)) {
            Cairn.of(spec).output().result(backend.detail(runId), StatusCommand::human);
        }
        return ExitCodes.OK;
    }

    static String human(RunDetail d) {
        StringBuilder out = new StringBuilder();
        out.append("run ").append(d.runId()).append("  ").append(d.opId()).append("  ");
        out.append(d.state().name().toLowerCase(java.util.Locale.ROOT));
        d.error().ifPresent(e -> out.append("  ").append(e));
        out.append("\ncreated ").append(d.createdAt());
        d.completedAt().ifPresent(c -> out.append(", ended ").append(c));
        out.append('\n');
        int width = d.steps().stream().mapToInt(s -> s.stepId().length()).max().orElse(4);
        for (StepView s : d.steps()) {
            out.append("  ")
                    .append(Progress.symbol(s.state()))
                    .append(' ')
                    .append(Progress.pad(s.stepId(), width))
                    .append("  ")
                    .append(Progress.pad(Progress.word(s.state()), 9));
            s.durationMs().ifPresent(ms -> out.append("  ").append(Progress.seconds(ms)));
            if (s.attempt() > 1) {
                out.append("  attempt ").append(s.attempt());
            }
            s.exitCode().ifPresent(c -> out.append("  exit ").append(c));
            s.cache().ifPresent(c -> out.append("  cache ").append(c));
            s.error().ifPresent(e -> out.append("  ").append(e));
            if (!s.logTail().isEmpty()) {
                out.append("  | ").append(s.logTail().getLast().message().strip());
            }
            out.append('\n');
        }
        return out.toString();
    }
}
