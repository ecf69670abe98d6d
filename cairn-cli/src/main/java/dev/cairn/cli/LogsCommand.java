package dev.cairn.cli;

import dev.cairn.contracts.api.LogEntry;
import dev.cairn.contracts.api.LogPage;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn logs RUN [STEP]}: the log lines the steps' runners relayed. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description = {
            "Print a run's log lines (of one step when STEP is given), oldest first.",
            "With --follow, keep printing lines as they are written until the run ends (over a server: server-sent"
                    + " events, resumed after a broken connection from the last line received)."
        })
final class LogsCommand implements Callable<Integer> {

    private static final int PAGE = 1000;

    @Spec
    CommandSpec spec;

    @Mixin
    Target target;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
    String runId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "STEP", description = "Only this step's lines.")
    String step;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new lines until the run ends.")
    boolean follow;

    @Option(names = "--after", paramLabel = "CURSOR", defaultValue = "0", description = "Only lines after this cursor.")
    long after;

    @Override
    public Integer call() {
        Output output = Cairn.of(spec).output();
        Optional<String> only = Optional.ofNullable(step);
        try (Backend backend = target.open(Target.Use.READ)) {
            backend.status(runId); // run_not_found before anything else
            if (follow) {
                backend.followLogs(runId, only, after, entry -> {
                    output.result(entry, LogsCommand::human);
                    Cairn.of(spec).terminal().out().flush();
                });
            } else {
                long cursor = after;
                while (true) {
                    LogPage page = backend.logs(runId, only, cursor, PAGE);
                    page.lines().forEach(entry -> output.result(entry, LogsCommand::human));
                    if (page.lines().isEmpty() || page.nextCursor() == cursor) {
                        break;
                    }
                    cursor = page.nextCursor();
                }
            }
        }
        return ExitCodes.OK;
    }

    static String human(LogEntry entry) {
        String stream = entry.line().stream().equals("stderr") ? "!" : "|";
        return entry.stepId() + (entry.attempt() > 1 ? "#" + entry.attempt() : "") + " " + stream + " "
                + entry.line().message();
    }
}
