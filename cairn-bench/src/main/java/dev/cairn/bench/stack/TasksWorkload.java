package dev.cairn.bench.stack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.bench.BenchException;
import dev.cairn.bench.BenchFiles;
import dev.cairn.bench.BenchReport;
import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Goal;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchReport.Ratio;
import dev.cairn.bench.BenchSettings;
import dev.cairn.bench.Workload;
import dev.cairn.bench.kernel.KernelFanoutWorkload;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.contracts.api.StepState;
import dev.cairn.runner.api.examples.HelloRunner;
import dev.cairn.store.sqlite.WriteCounters;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code tasks}: no-op tasks through the whole stack, as a batch user drives it: {@value #RUNS}
 * lanes, each submitting a run over HTTP ({@code POST /v1/pipelines/run}), waiting for its end and
 * submitting the next, for the round's duration ({@code --duration}; with {@code --iterations N}, N
 * runs per lane); the round ends when every lane's last run has ended. A run is a pipeline of
 * {@value #STEPS} independent {@code /examples/hello/v1} steps run in parallel ({@code
 * max_concurrency} {@value #STEPS}); every step is one task that a runner leases, runs (the seed's
 * example runner: copies its 4-byte input artifact to an output artifact, which the store already
 * holds) and completes. tasks/s is the tasks of the runs that ended over the round's wall-clock time.
 *
 * <p>Three configurations, each on a {@link StackNode} ({@code cairn server}: SQLite and file
 * stores, fsync on, HTTP on loopback): {@code in_process} (the server's own runner node takes the
 * tasks, {@value #SLOTS} slots); {@code remote_1} and {@code remote_4} (a server without a runner
 * node, {@code --no-runner}, and 1 then 4 remote workers in JVMs of their own, each {@code cairn
 * worker --capability /examples/hello/v1 --concurrency} {@value #SLOTS}).
 *
 * <p>Baseline, round by round before every stack round: the plain kernel on its own embedded
 * stores running the same shape, {@value #RUNS} runs of {@value #STEPS} no-op states in one fan-out
 * wave started at once ({@link KernelFanoutWorkload.Baseline}), in state transitions per second —
 * what the durable engine alone does with the same states. Goals (issue 4): at least 5,000 tasks/s
 * in-process and 2,000 tasks/s with remote workers.
 */
public final class TasksWorkload implements Workload {

    /** Runs in flight (lanes). */
    public static final int RUNS = 10;

    /** Hello steps per run. */
    public static final int STEPS = 10;

    /** Runner slots of each runner node (in-process and each worker). */
    public static final int SLOTS = 16;

    /** The goal in-process, tasks/s. */
    public static final double GOAL_IN_PROCESS = 5_000;

    /** The goal with remote workers, tasks/s. */
    public static final double GOAL_REMOTE = 2_000;

    /**
     * Warm-up of each configuration when rounds are timed: the {@code --warmup} rounds, then more
     * until at least this long has passed and the JIT of every JVM of the configuration (the server's
     * and each worker's) has settled ({@link JitWatch}), but no longer than {@link
     * #WARM_UP_MAXIMUM}. A server's throughput is a steady-state figure:
     * with the default rounds (3 × 300 ms) the JIT was still compiling the request, lease and kernel
     * paths when recording started (a flight recording showed the compiler threads busy for the
     * first ~25 s, 29 s of compilation in a 35 s run), so the figure was the JVM's warm-up, not the
     * stack's. The workers' JIT counts too: when only the server's was watched, the three workers
     * that join for {@code remote_4} were still compiling (300–600 compilations per 2 s each) when
     * recording began 8 s later, and that configuration measured 1,547 tasks/s with 610 us of worker
     * CPU per task, against 2,332 and 246 us in a run whose warm-up happened to last 30 s. Rounds of
     * a fixed size ({@code --iterations}, as the tests run them) get exactly the {@code --warmup}
     * rounds.
     */
    public static final Duration WARM_UP_MINIMUM = Duration.ofSeconds(8);

    /** The longest warm-up of a configuration; recording starts then even if the JIT is still busy. */
    public static final Duration WARM_UP_MAXIMUM = Duration.ofSeconds(60);

    private static final Duration RUN_LIMIT = Duration.ofMinutes(2);

    private final int runs;
    private final int steps;
    private final int slots;

    /** The workload as {@code cairn bench tasks} runs it. */
    public TasksWorkload() {
        this(RUNS, STEPS, SLOTS);
    }

    /** A smaller workload of the same shape (tests). */
    TasksWorkload(int runs, int steps, int slots) {
        if (runs < 1 || steps < 1 || slots < 1) {
            throw BenchException.invalidSettings("tasks needs at least 1 run, 1 step and 1 slot");
        }
        this.runs = runs;
        this.steps = steps;
        this.slots = slots;
    }

    @Override
    public String name() {
        return "tasks";
    }

    @Override
    public String description() {
        return "no-op /examples/hello/v1 tasks through HTTP submit, lease and complete: tasks/s in-process and with"
                + " 1 and 4 remote worker JVMs, beside the kernel alone (goals: >= 5,000 and >= 2,000 tasks/s)";
    }

    @Override
    public String plan(BenchSettings settings) {
        String warm = JitWatch.untilSettled(settings)
                ? "at least " + settings.warmupRounds() + " warm-up rounds and " + WARM_UP_MINIMUM.toSeconds()
                        + " s, until the JIT settles (at most " + WARM_UP_MAXIMUM.toSeconds() + " s)"
                : settings.warmupRounds() + " warm-up rounds";
        return warm + ", then " + settings.rounds() + " recorded rounds, per configuration (3), "
                + (settings.iterations() > 0
                        ? settings.iterations() + " runs per lane each"
                        : settings.roundDuration().toMillis() + " ms each");
    }

    /** What one configuration's rounds recorded. */
    private static final class Series {
        final List<Double> tasksPerSecond = new ArrayList<>();
        final List<Double> serverCpuUs = new ArrayList<>();
        final List<Double> workerCpuUs = new ArrayList<>();
        final List<Double> commitsPerTask = new ArrayList<>();
        final List<Double> writerCpuUs = new ArrayList<>();
        long tasks;
        int warmUpRounds;
        long warmUpNanos;
        double lastWarmUpJitShare = Double.NaN;

        String warmUp() {
            String jit = Double.isNaN(lastWarmUpJitShare)
                    ? ""
                    : String.format(
                            Locale.ROOT,
                            "; the busiest JIT, of the server's and the workers' JVMs, compiled for %.0f %% of"
                                    + " the last one's wall time",
                            100 * lastWarmUpJitShare);
            return warmUpRounds + " warm-up rounds (" + String.format(Locale.ROOT, "%.1f s", warmUpNanos / 1e9) + jit
                    + ")";
        }
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        Path dir = SubmitLatencyWorkload.tempDir(name());
        Map<String, Series> series = new LinkedHashMap<>();
        List<Double> kernel = new ArrayList<>();
        List<Double> load = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long t0 = System.nanoTime();
        try (KernelFanoutWorkload.Baseline baseline = KernelFanoutWorkload.Baseline.open(runs, steps)) {
            try (StackNode node = StackNode.open(dir.resolve("in-process"), true, Optional.empty(), slots)) {
                long t = System.nanoTime();
                Series in = rounds(settings, node, List.of(), baseline, kernel, load);
                series.put("in_process", in);
                notes.add("in_process: " + in.warmUp() + ", all rounds " + seconds(t));
            }
            try (StackNode node = StackNode.open(dir.resolve("remote"), false, Optional.empty(), slots)) {
                List<ChildWorker> workers = new ArrayList<>();
                try {
                    long t = System.nanoTime();
                    workers.add(worker(dir, node, 1));
                    notes.add("remote_1: worker JVM start " + seconds(t));
                    t = System.nanoTime();
                    Series one = rounds(settings, node, workers, baseline, kernel, load);
                    series.put("remote_1", one);
                    notes.add("remote_1: " + one.warmUp() + ", all rounds " + seconds(t));
                    t = System.nanoTime();
                    startInParallel(dir, node, List.of(2, 3, 4), workers);
                    notes.add("remote_4: 3 more worker JVMs start " + seconds(t));
                    t = System.nanoTime();
                    Series four = rounds(settings, node, workers, baseline, kernel, load);
                    series.put("remote_4", four);
                    notes.add("remote_4: " + four.warmUp() + ", all rounds " + seconds(t));
                } finally {
                    long t = System.nanoTime();
                    ChildWorker.closeAll(workers);
                    notes.add(workers.size() + " worker JVMs stopped in " + seconds(t));
                }
            }
        } finally {
            BenchFiles.deleteQuietly(dir);
        }
        notes.add("whole workload " + seconds(t0) + " (each round after a kernel baseline round)");
        return report(settings, series, kernel, load, notes);
    }

    private ChildWorker worker(Path dir, StackNode node, int n) {
        return ChildWorker.start(
                dir,
                "worker-" + n,
                node.uri(),
                List.of(HelloRunner.CAPABILITY),
                List.of(),
                slots,
                (runId, nanos) -> {});
    }

    /** Starts the workers numbered {@code numbers} at once (JVM start-ups overlap) and adds them to {@code into}. */
    private void startInParallel(Path dir, StackNode node, List<Integer> numbers, List<ChildWorker> into) {
        List<Future<ChildWorker>> starting = new ArrayList<>();
        RuntimeException failure = null;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int n : numbers) {
                starting.add(pool.submit(() -> worker(dir, node, n)));
            }
            for (Future<ChildWorker> f : starting) {
                try {
                    into.add(f.get());
                } catch (ExecutionException e) {
                    RuntimeException cause =
                            e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                    if (failure == null) {
                        failure = cause;
                    } else {
                        failure.addSuppressed(cause);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (failure != null) {
            throw failure; // the workers that did start are in `into`, for the caller to close
        }
    }

    /** Warm-up and recorded rounds of one configuration, each after a round of the kernel baseline. */
    private Series rounds(
            BenchSettings settings,
            StackNode node,
            List<ChildWorker> workers,
            KernelFanoutWorkload.Baseline baseline,
            List<Double> kernel,
            List<Double> load) {
        String input = node.client()
                .upload(new ByteArrayInputStream("ping".getBytes(StandardCharsets.UTF_8)), Optional.empty())
                .artifactId();
        ObjectNode spec = spec(input, steps);
        Series out = new Series();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long warmStart = System.nanoTime();
        boolean timed = JitWatch.untilSettled(settings);
        JitWatch jit = JitWatch.forWarmUp(settings, workers);
        for (int r = 0; out.tasksPerSecond.size() < settings.rounds(); r++) {
            long warmed = System.nanoTime() - warmStart;
            boolean recorded = r >= settings.warmupRounds()
                    && (!timed
                            || warmed >= WARM_UP_MAXIMUM.toNanos()
                            || (warmed >= WARM_UP_MINIMUM.toNanos() && jit.settled()));
            long iteration = System.nanoTime();
            double k = baseline.round();
            long serverCpu = os.getProcessCpuTime();
            long workerCpu = workers.stream().mapToLong(ChildWorker::cpuNanos).sum();
            WriteCounters writes = node.orchestrator().database().writeCounters();
            long t0 = System.nanoTime();
            Round round = round(settings, node, spec, t0);
            double seconds = (System.nanoTime() - t0) / 1e9;
            serverCpu = os.getProcessCpuTime() - serverCpu;
            workerCpu = workers.stream().mapToLong(ChildWorker::cpuNanos).sum() - workerCpu;
            WriteCounters written = node.orchestrator().database().writeCounters();
            long commits = written.transactions() - writes.transactions();
            long writerCpu = written.writerCpuNanos() - writes.writerCpuNanos();
            RunDetail last = node.orchestrator().detail(round.lastRun());
            long ran = last.steps().stream()
                    .filter(s -> s.state() == StepState.COMPLETED && s.cache().isEmpty())
                    .count();
            if (ran != steps) {
                throw BenchException.selfCheckFailed(
                        name(), "run " + last.runId() + " ran " + ran + " of its " + steps + " steps");
            }
            if (!recorded) {
                out.warmUpRounds++;
                out.warmUpNanos = System.nanoTime() - warmStart;
                jit.stretchEnded((System.nanoTime() - iteration) / 1e6);
                out.lastWarmUpJitShare = jit.lastShare();
            } else {
                long tasks = round.runs() * steps;
                out.tasks += tasks;
                kernel.add(k);
                load.add(SubmitLatencyWorkload.loadAverage());
                out.tasksPerSecond.add(tasks / seconds);
                out.serverCpuUs.add(serverCpu / 1e3 / tasks);
                out.workerCpuUs.add(workerCpu / 1e3 / tasks);
                out.commitsPerTask.add(commits / (double) tasks);
                if (writes.writerCpuNanos() >= 0 && written.writerCpuNanos() >= 0) {
                    out.writerCpuUs.add(writerCpu / 1e3 / tasks);
                }
            }
        }
        return out;
    }

    /** What one round did: how many runs ended, and the last of them. */
    private record Round(long runs, String lastRun) {}

    /**
     * One round: {@code runs} lanes on virtual threads, each submitting a run over HTTP, awaiting its
     * end and submitting the next, until the round's duration has passed since {@code t0} (or, with
     * {@code --iterations N}, N runs each); the round ends when every lane's last run has ended.
     *
     * @throws BenchException {@code bench_self_check_failed} when a run does not complete
     */
    private Round round(BenchSettings settings, StackNode node, ObjectNode spec, long t0) {
        long deadline = t0 + settings.roundDuration().toNanos();
        AtomicLong ended = new AtomicLong();
        AtomicReference<String> last = new AtomicReference<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> lanes = new ArrayList<>(runs);
            for (int i = 0; i < runs; i++) {
                lanes.add(pool.submit(() -> {
                    long n = 0;
                    do {
                        String id = node.submit(spec);
                        RunState end = node.awaitEnd(id, RUN_LIMIT);
                        if (end != RunState.COMPLETED) {
                            throw BenchException.selfCheckFailed(name(), "run " + id + " ended " + end);
                        }
                        ended.incrementAndGet();
                        last.set(id);
                        n++;
                    } while (settings.iterations() > 0 ? n < settings.iterations() : System.nanoTime() < deadline);
                    return null;
                }));
            }
            for (Future<?> f : lanes) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
        return new Round(ended.get(), last.get());
    }

    /** {@code steps} independent hello steps, each copying {@code input}, all at once. */
    static ObjectNode spec(String input, int steps) {
        ObjectNode spec = JsonNodeFactory.instance.objectNode();
        spec.put("op", "bench_tasks");
        spec.put("version", "1");
        ObjectNode run = spec.putObject("settings");
        run.put("mode", "parallel");
        run.put("max_concurrency", steps);
        ArrayNode list = spec.putArray("steps");
        for (int i = 0; i < steps; i++) {
            ObjectNode step = list.addObject();
            step.put("id", "hello" + i);
            step.put("capability", HelloRunner.CAPABILITY);
            step.putArray("inputs").addObject().put("artifact", input).put("to", "in.bin");
        }
        return spec;
    }

    private static String seconds(long since) {
        return String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - since) / 1e9);
    }

    private BenchReport report(
            BenchSettings settings,
            Map<String, Series> series,
            List<Double> kernel,
            List<Double> load,
            List<String> notes) {
        List<Figure> figures = new ArrayList<>();
        Map<String, Figure> perSecond = new LinkedHashMap<>();
        for (Map.Entry<String, Series> e : series.entrySet()) {
            Figure f = Figure.of("tasks_per_s_" + e.getKey(), "tasks/s", array(e.getValue().tasksPerSecond));
            perSecond.put(e.getKey(), f);
            figures.add(f);
        }
        for (Map.Entry<String, Series> e : series.entrySet()) {
            figures.add(Figure.of("server_cpu_us_per_task_" + e.getKey(), "us", array(e.getValue().serverCpuUs)));
            if (!e.getKey().equals("in_process")) {
                figures.add(Figure.of("workers_cpu_us_per_task_" + e.getKey(), "us", array(e.getValue().workerCpuUs)));
            }
        }
        for (Map.Entry<String, Series> e : series.entrySet()) {
            figures.add(
                    Figure.of("sqlite_commits_per_task_" + e.getKey(), "commits", array(e.getValue().commitsPerTask)));
            if (!e.getValue().writerCpuUs.isEmpty()) {
                figures.add(Figure.of(
                        "sqlite_writer_cpu_us_per_task_" + e.getKey(), "us", array(e.getValue().writerCpuUs)));
            }
        }
        Figure kernelFigure = Figure.of("kernel_transitions_per_s", "transitions/s", array(kernel));
        List<Ratio> ratios = new ArrayList<>();
        for (Map.Entry<String, Figure> e : perSecond.entrySet()) {
            ratios.add(Ratio.of("tasks_" + e.getKey() + "_vs_kernel", e.getValue(), kernelFigure, Optional.empty()));
        }
        return new BenchReport(
                name(),
                BenchReport.Environment.current(),
                // the warm-up rounds that ran (the most of any configuration; `notes` has each),
                // which the JIT's settling may have made more than --warmup asked for
                new BenchReport.Settings(
                        series.values().stream()
                                .mapToInt(x -> x.warmUpRounds)
                                .max()
                                .orElse(settings.warmupRounds()),
                        settings.rounds(),
                        settings.roundDuration().toMillis(),
                        settings.iterations(),
                        "wall"),
                List.of(
                        Input.count("runs_in_flight", runs),
                        Input.count("steps_per_run", steps),
                        Input.count("runner_slots_per_node", slots),
                        Input.count("tasks_recorded_in_process", series.get("in_process").tasks),
                        Input.count("tasks_recorded_remote_1", series.get("remote_1").tasks),
                        Input.count("tasks_recorded_remote_4", series.get("remote_4").tasks)),
                figures,
                List.of(kernelFigure, Figure.of("load_average", "threads", array(load))),
                ratios,
                List.of(
                        Goal.atLeast("tasks_per_s_in_process_goal", perSecond.get("in_process"), GOAL_IN_PROCESS),
                        Goal.atLeast("tasks_per_s_remote_1_goal", perSecond.get("remote_1"), GOAL_REMOTE),
                        Goal.atLeast("tasks_per_s_remote_4_goal", perSecond.get("remote_4"), GOAL_REMOTE)),
                notes);
    }

    private static double[] array(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
