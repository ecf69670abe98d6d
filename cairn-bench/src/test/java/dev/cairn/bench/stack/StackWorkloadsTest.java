package dev.cairn.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.bench.BenchReport;
import dev.cairn.bench.BenchSettings;
import dev.cairn.bench.Workload;
import dev.cairn.bench.Workloads;
import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack workloads in tiny sizes: a real node serving HTTP on loopback, real worker JVMs. Each
 * checks its own work (runs completed, probes started after their submission, the workers' clock is
 * this JVM's); the test checks the report's shape, that every figure is a positive finite number, and
 * that no worker JVM outlives the workload. No timing is asserted.
 */
class StackWorkloadsTest {

    private static final BenchSettings TINY = BenchSettings.builder()
            .warmupRounds(1)
            .rounds(1)
            .roundDuration(Duration.ofMillis(20))
            .iterations(3)
            .build();

    @AfterEach
    void noWorkerIsLeftBehind() {
        assertThat(workers()).as("worker JVMs still running").isEmpty();
    }

    @Test
    void theStackWorkloadsAreRegistered() {
        assertThat(Workloads.all()).extracting(Workload::name).contains("submit-latency", "tasks");
    }

    @Test
    void submitLatencyReportsP50AndP99OfBothVariantsBesideTheFsyncLatency() {
        BenchReport report = new SubmitLatencyWorkload().run(TINY);

        JsonNode json = oneLine(report);
        assertThat(names(json.get("figures")))
                .containsExactly(
                        "submit_to_start_in_process_ms",
                        "submit_to_start_in_process_p99_ms",
                        "submit_to_start_remote_ms",
                        "submit_to_start_remote_p99_ms",
                        "submit_answer_in_process_ms",
                        "submit_answer_remote_ms",
                        "sqlite_commits_per_run_in_process",
                        "sqlite_commits_per_run_remote");
        assertThat(names(json.get("baselines"))).containsExactly("fsync_ms", "fsync_p99_ms", "load_average");
        // 3 samples per recorded round, one round; 3 warm-ups
        assertThat(report.figure("submit_to_start_remote_ms").orElseThrow().rounds())
                .isEqualTo(3);
        assertThat(report.settings().warmupRounds()).isEqualTo(3);
        allPositiveAndFinite(report.figures());
        allPositiveAndFinite(report.baselines().subList(0, 2));
        BenchReport.Figure p50 = report.figure("submit_to_start_in_process_ms").orElseThrow();
        BenchReport.Figure p99 =
                report.figure("submit_to_start_in_process_p99_ms").orElseThrow();
        assertThat(p99.median()).isGreaterThanOrEqualTo(p50.median()).isLessThanOrEqualTo(p50.max());
        assertThat(json.get("ratios")).hasSize(4);
        JsonNode goal = json.get("ratios").get(0);
        assertThat(goal.get("name").textValue()).isEqualTo("submit_to_start_in_process_p50_over_fsync_p50");
        assertThat(goal.get("goal").doubleValue()).isEqualTo(SubmitLatencyWorkload.GOAL);
        assertThat(goal.get("met").booleanValue())
                .isEqualTo(goal.get("value").doubleValue() <= SubmitLatencyWorkload.GOAL);
        assertThat(report.notes()).anySatisfy(n -> assertThat(n).contains("clock"));
    }

    @Test
    void tasksReportsTasksPerSecondInProcessAndWithOneAndFourWorkersBesideTheKernel() {
        BenchReport report = new TasksWorkload(4, 3, 2)
                .run(BenchSettings.builder()
                        .warmupRounds(1)
                        .rounds(1)
                        .roundDuration(Duration.ofMillis(20))
                        .iterations(2)
                        .build());
        // rounds of a fixed size: exactly the warm-up asked for, no waiting for the JIT
        assertThat(report.settings().warmupRounds()).isEqualTo(1);
        assertThat(report.settings().iterations()).isEqualTo(2);
        assertThat(report.notes())
                .filteredOn(n -> n.contains("warm-up rounds"))
                .hasSize(3)
                .allSatisfy(n -> assertThat(n).contains(": 1 warm-up rounds"));

        JsonNode json = oneLine(report);
        assertThat(names(json.get("figures")))
                .startsWith("tasks_per_s_in_process", "tasks_per_s_remote_1", "tasks_per_s_remote_4")
                .contains(
                        "server_cpu_us_per_task_in_process",
                        "workers_cpu_us_per_task_remote_4",
                        "sqlite_commits_per_task_in_process",
                        "sqlite_commits_per_task_remote_4",
                        // HotSpot, as these machines run it, measures a thread's CPU time
                        "sqlite_writer_cpu_us_per_task_in_process",
                        "sqlite_writer_cpu_us_per_task_remote_4");
        // a task is at least queued, granted and completed in some transaction, and a run of 3 tasks
        // takes a handful of them: per task, more than none and fewer than ten
        assertThat(report.figures())
                .filteredOn(f -> f.name().startsWith("sqlite_commits_per_task_"))
                .hasSize(3)
                .allSatisfy(f -> assertThat(f.median()).isGreaterThan(0).isLessThan(10));
        assertThat(names(json.get("baselines"))).containsExactly("kernel_transitions_per_s", "load_average");
        allPositiveAndFinite(report.figures());
        allPositiveAndFinite(report.baselines().subList(0, 1));
        // 4 lanes x 2 runs x 3 steps in each configuration
        assertThat(report.inputs())
                .filteredOn(i -> i.name().startsWith("tasks_recorded_"))
                .hasSize(3)
                .allSatisfy(i -> assertThat(i.count()).isEqualTo(24));
        assertThat(names(json.get("ratios")))
                .containsExactly("tasks_in_process_vs_kernel", "tasks_remote_1_vs_kernel", "tasks_remote_4_vs_kernel");
        assertThat(json.get("goals")).hasSize(3);
        assertThat(json.get("goals").get(0).get("target").doubleValue()).isEqualTo(TasksWorkload.GOAL_IN_PROCESS);
        assertThat(json.get("goals").get(2).get("target").doubleValue()).isEqualTo(TasksWorkload.GOAL_REMOTE);
    }

    private static void allPositiveAndFinite(List<BenchReport.Figure> figures) {
        assertThat(figures).isNotEmpty().allSatisfy(f -> {
            assertThat(f.median()).as(f.name()).isPositive().isFinite();
            assertThat(f.min()).as(f.name()).isPositive().isFinite();
            assertThat(f.max()).as(f.name()).isFinite().isGreaterThanOrEqualTo(f.median());
        });
    }

    @Test
    void aWorkerJvmSaysHowLongItsJitHasCompiledSoThatTheWarmUpCanWaitForIt(@TempDir Path dir) {
        try (StackNode node = StackNode.open(dir.resolve("home"), false, Optional.empty(), 2);
                ChildWorker worker = ChildWorker.start(
                        dir,
                        "worker-jit",
                        node.uri(),
                        List.of(dev.cairn.runner.api.examples.HelloRunner.CAPABILITY),
                        List.of(),
                        2,
                        (runId, nanos) -> {})) {
            long first = worker.compilationMillis();
            // HotSpot, as these machines run it, tells; the JVM has compiled its start-up by now
            assertThat(first).isPositive();
            worker.checkClock();
            assertThat(worker.compilationMillis()).isGreaterThanOrEqualTo(first);
        }
    }

    /** The report as {@code cairn bench} prints it: one line, read back strictly. */
    private static JsonNode oneLine(BenchReport report) {
        String line = Wire.write(report);
        assertThat(line).doesNotContain("\n");
        return StrictJson.parse(line);
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get("name").textValue()));
        return out;
    }

    /** The worker JVMs this JVM started that still run. */
    private static List<ProcessHandle> workers() {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(WorkerMain.class.getName()))
                .toList();
    }
}
