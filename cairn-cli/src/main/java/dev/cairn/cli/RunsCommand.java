package dev.cairn.cli;

import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.RunListItem;
import dev.cairn.contracts.api.RunPage;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cairn runs}: the runs, newest first. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List runs, newest first.")
final class RunsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Target target;

    @Option(
            names = "--status",
            paramLabel = "STATE",
            description = "Only runs in this state: queued, running, completed, failed, timed_out.")
    String status;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "20",
            description = "At most N runs (1..500; default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "The next_cursor of a previous page.")
    String cursor;

    @Override
    public Integer call() {
        Optional<RunState> state = Optional.ofNullable(status).map(RunsCommand::state);
        if (limit < 1 || limit > 500) {
            throw CliException.usage("--limit must be 1..500, got " + limit, "Page with --cursor for more.");
        }
        try (Backend backend = target.open(Target.Use.READ)) {
            RunPage page = backend.runs(state, limit, Optional.ofNullable(cursor));
            Cairn.of(spec).output().result(page, RunsCommand::human);
        }
        return ExitCodes.OK;
    }

    static RunState state(String text) {
        for (RunState s : RunState.values()) {
            if (s.name().equalsIgnoreCase(text.strip().replace('-', '_'))) {
                return s;
            }
        }
        throw CliException.usage(
                "--status `" + text + "` is not a run state",
                "Use one of queued, running, completed, failed, timed_out.");
    }

    static String human(RunPage page) {
        if (page.runs().isEmpty()) {
            return "no runs";
        }
        StringBuilder out = new StringBuilder();
        for (RunListItem r : page.runs()) {
            out.append(r.runId())
                    .append("  ")
                    .append(Progress.pad(r.state().name().toLowerCase(Locale.ROOT), 9))
                    .append("  ")
                    .append(r.createdAt())
                    .append("  ")
                    .append(r.opId())
                    .append("  ")
                    .append(r.completedSteps())
                    .append('/')
                    .append(r.totalSteps())
                    .append(" steps");
            if (r.failedSteps() > 0) {
                out.append(", ").append(r.failedSteps()).append(" failed");
            }
            out.append('\n');
        }
        page.nextCursor().ifPresent(c -> out.append("more: --cursor ").append(c).append('\n'));
        return out.toString();
    }
}
