package dev.cairn.cli;

import dev.cairn.bench.BenchReport;
import dev.cairn.bench.BenchSettings;
import dev.cairn.bench.Workload;
import dev.cairn.bench.Workloads;
import dev.cairn.json.wire.Wire;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn bench WORKLOAD}: runs a benchmark workload ({@code cairn-bench}) and prints one JSON
 * line with its figures, the baselines measured in the same run, and their ratios.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Run a benchmark workload; print one JSON line with its figures and the baselines measured in the same run.",
            "Figures are medians over the rounds; rounds are timed in thread CPU time where the JVM supports it."
        },
        subcommands = {BenchCommand.ListWorkloads.class})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "WORKLOAD", description = "Workload name; `cairn bench list` lists them.")
    String workload;

    @Option(
            names = "--duration",
            paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "Length of each round, e.g. 300ms, 2s (default: ${DEFAULT-VALUE}).",
            defaultValue = "300ms")
    Duration duration;

    @Option(
            names = "--iterations",
            paramLabel = "N",
            description = "Run exactly N operations per round instead of a fixed time (default: 0, use --duration).",
            defaultValue = "0")
    long iterations;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            description = "Recorded rounds per task (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + BenchSettings.DEFAULT_ROUNDS)
    int rounds;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            description = "Unrecorded warm-up rounds per task (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + BenchSettings.DEFAULT_WARMUP_ROUNDS)
    int warmup;

    @Override
    public Integer call() {
        if (workload == null) {
            throw CliException.usage(
                    "missing workload: choose one of "
                            + Workloads.all().stream().map(Workload::name).collect(Collectors.joining(", ")),
                    "List them with `cairn bench list`.");
        }
        Cairn root = Cairn.of(spec);
        BenchSettings settings = BenchSettings.builder()
                .warmupRounds(warmup)
                .rounds(rounds)
                .roundDuration(duration)
                .iterations(iterations)
                .build();
        Workload chosen = Workloads.named(workload);
        root.output().note("cairn bench: running " + chosen.name() + " (" + chosen.plan(settings) + ")");
        BenchReport report = chosen.run(settings);
        // One JSON line in both forms: the report is structured data.
        root.output().bytes((Wire.write(report) + "\n").getBytes(StandardCharsets.UTF_8));
        return ExitCodes.OK;
    }

    /** One line of {@code cairn bench list}. */
    record WorkloadSummary(String name, String description) {}

    /** What {@code cairn bench list --json} prints. */
    record WorkloadList(List<WorkloadSummary> workloads) {}

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the workloads.")
    static final class ListWorkloads implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<WorkloadSummary> workloads = Workloads.all().stream()
                    .map(w -> new WorkloadSummary(w.name(), w.description()))
                    .toList();
            Cairn.of(spec).output().result(new WorkloadList(workloads), list -> list.workloads().stream()
                    .map(w -> w.name() + "  " + w.description())
                    .collect(Collectors.joining("\n")));
            return ExitCodes.OK;
        }
    }
}
