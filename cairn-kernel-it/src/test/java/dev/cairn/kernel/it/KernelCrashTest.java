package dev.cairn.kernel.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.machine.engine.RunPhase;
import dev.cairn.machine.engine.RunResult;
import dev.cairn.machine.engine.Stores;
import dev.cairn.machine.events.Event;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.events.KernelEvent;
import dev.cairn.machine.events.RunStatus;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.runtime.Engine;
import dev.cairn.store.fs.FsArtifactStore;
import dev.cairn.store.sqlite.SqliteEventStore;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.InMemoryEventStore;
import dev.cairn.testkit.contract.Seeds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernel survives {@code kill -9}: runs of {@link CrashScenario} execute in child JVMs on the
 * SQLite and filesystem stores; each child is SIGKILLed at a seeded random point (after a random
 * number of handler starts, plus a random 0–12 ms), and a fresh JVM resumes, until {@value
 * #KILLS_PER_VARIANT} kills per variant; a last child completes the rest. Then, for every run: it
 * completed; seq is contiguous; every state completed exactly once, after attempts that failed
 * (retryably) or were interrupted and re-run, as the resume rules allow; every attempt the log
 * shows ended was run, and every run attempt is in the log (with {@code Durability.everyEvent()}:
 * all of them; with the default batched durability: all but lost {@code Pure} attempts, which by
 * design leave no trace); the side effect was applied exactly once per idempotency key; the final
 * snapshot equals that of an uninterrupted run. After every kill the next child checks that every
 * artifact the durable logs reference is present and intact (P1 with deferred artifacts).
 *
 * <p>Two variants run concurrently, {@code every-event} and {@code batched}, in their own
 * directories; {@code batched} stores as {@code cairn server} does, through the artifact store's
 * journal (a small one, so that kills land in its checkpoints too: see {@link CrashChild}). {@code -Dcairn.seed=N} replays one seed; {@code -Dcairn.crash.kills=N} changes the
 * kills per variant.
 */
class KernelCrashTest {

    static final int KILLS_PER_VARIANT = 26;

    @TempDir
    Path dir;

    /** What one variant observed, for the summary line and the assertions. */
    record Outcome(
            String variant,
            int kills,
            int runs,
            long referencesChecked,
            int interruptedAttempts,
            int retriedFailures,
            int lostPureAttempts) {}

    @Test
    void sigkilledRunsResumeInFreshJvmsToTheUninterruptedResult() throws Exception {
        long seed = Seeds.seed("KernelCrashTest");
        int kills = Integer.getInteger("cairn.crash.kills", KILLS_PER_VARIANT);
        int runs = 2 * kills + 4;
        try (ExecutorService variants = Executors.newFixedThreadPool(2)) {
            Future<Outcome> everyEvent = variants.submit(() -> variant("every-event", seed, kills, runs));
            Future<Outcome> batched = variants.submit(() -> variant("batched", seed + 1, kills, runs));
            Outcome a = everyEvent.get();
            Outcome b = batched.get();
            System.out.println("crash test seed=" + seed + ": " + a);
            System.out.println("crash test seed=" + seed + ": " + b);
            assertThat(a.kills() + b.kills()).isGreaterThanOrEqualTo(2 * kills);
            // The kills did land inside runs: some attempts were interrupted and re-run.
            assertThat(a.interruptedAttempts()).isPositive();
            // With every event durable, no attempt is ever lost.
            assertThat(a.lostPureAttempts()).isZero();
        }
    }

    private Outcome variant(String durability, long seed, int kills, int runs) throws Exception {
        Path data = Files.createDirectories(dir.resolve(durability));
        CrashScenario.writeInputs(data, seed, runs);
        Random random = new Random(seed);
        long references = 0;
        int killed = 0;
        boolean finished = false;
        while (killed < kills && !finished) {
            Child child = Child.start(data, durability, seed, runs);
            try {
                references += child.ready();
                int handlerStarts = random.nextInt(25);
                int extraMillis = random.nextInt(13);
                finished = child.awaitHandlerStarts(handlerStarts);
                if (!finished) {
                    Thread.sleep(extraMillis);
                    finished = child.kill();
                    if (!finished) {
                        killed++;
                    }
                }
            } finally {
                child.destroy();
            }
        }
        // A last child completes every run. It resumes the runs that had already completed too:
        // that returns their result and appends nothing.
        Map<RunId, Long> completed = completedHeads(data, seed, runs);
        Child last = Child.start(data, durability, seed, runs);
        references += last.ready();
        last.awaitDone();
        Map<RunId, Long> after = completedHeads(data, seed, runs);
        assertThat(after)
                .as(durability + ": resuming completed runs appends nothing")
                .containsAllEntriesOf(completed);
        assertThat(after).as(durability + ": every run completed").hasSize(runs);

        return verify(durability, data, seed, runs, killed, references);
    }

    // ------------------------------------------------------------------ verification

    private Outcome verify(String durability, Path data, long seed, int runs, int kills, long references)
            throws Exception {
        boolean everyEvent = durability.equals("every-event");
        Map<Integer, ArtifactId> expected = uninterrupted(seed, runs);
        Map<String, List<Invocation>> invocations = journal(data);
        int interrupted = 0;
        int retried = 0;
        int lost = 0;
        try (SqliteEventStore events = SqliteEventStore.open(data.resolve("events.db"));
                FsArtifactStore artifacts = FsArtifactStore.open(data.resolve("artifacts"))) {
            for (int i = 0; i < runs; i++) {
                String label = durability + " run " + i;
                RunId runId = CrashScenario.runId(seed, i);
                List<EventEnvelope> log = events.readRange(runId, 1, Optional.empty());
                for (int k = 0; k < log.size(); k++) {
                    assertThat(log.get(k).seq()).as(label + ": seq contiguous").isEqualTo(k + 1);
                }
                List<KernelEvent> kernel = new ArrayList<>();
                for (EventEnvelope e : log) {
                    if (e.event() instanceof Event.Kernel k) {
                        kernel.add(k.event());
                    }
                    for (ArtifactId id : LogChecks.references(e)) {
                        artifacts.get(id); // present and intact
                    }
                }
                assertThat(kernel.getFirst()).as(label).isInstanceOf(KernelEvent.RunStarted.class);
                assertThat(kernel.getLast())
                        .as(label + ": completed, with the uninterrupted run's final snapshot")
                        .isEqualTo(new KernelEvent.RunCompleted(RunStatus.COMPLETED, Optional.of(expected.get(i))));
                assertThat(kernel.stream().filter(e -> e instanceof KernelEvent.RunCompleted))
                        .hasSize(1);

                Map<String, StateLog> states = new TreeMap<>();
                for (KernelEvent e : kernel) {
                    switch (e) {
                        case KernelEvent.StateEntered s ->
                            states.computeIfAbsent(s.stateId().local(), x -> new StateLog())
                                    .entered(s.attempt(), label);
                        case KernelEvent.StateCompleted c ->
                            states.get(c.stateId().local()).ended("completed", label);
                        case KernelEvent.StateFailed f -> {
                            assertThat(f.stateId().local())
                                    .as(label + ": only flaky fails")
                                    .isEqualTo("flaky");
                            assertThat(f.error().info().code().value()).isEqualTo(CrashScenario.FLAKY_CODE);
                            assertThat(f.error().info().retryable()).isTrue();
                            states.get(f.stateId().local()).ended("failed", label);
                        }
                        default -> {}
                    }
                }
                assertThat(states.keySet())
                        .as(label)
                        .containsExactlyInAnyOrder(
                                "fetch", "parse", "shard_0", "shard_1", "shard_2", "shard_3", "flaky", "charge",
                                "summary");
                for (var entry : states.entrySet()) {
                    String state = entry.getKey();
                    StateLog s = entry.getValue();
                    String at = label + " " + state + " " + s.attempts;
                    // Exactly one completion, by the last attempt; every earlier attempt failed
                    // retryably or was interrupted and superseded (all states here may be re-run).
                    assertThat(s.attempts.values().stream().filter("completed"::equals))
                            .as(at)
                            .hasSize(1);
                    assertThat(s.attempts.lastEntry().getValue()).as(at).isEqualTo("completed");
                    interrupted += (int) s.attempts.values().stream()
                            .filter("interrupted"::equals)
                            .count();
                    retried += (int) s.attempts.values().stream()
                            .filter("failed"::equals)
                            .count();
                    // Every attempt the log shows ended was run by a handler.
                    Map<Integer, Integer> ran = new TreeMap<>();
                    for (Invocation inv : invocations.getOrDefault(i + " " + state, List.of())) {
                        ran.merge(inv.attempt(), 1, Integer::sum);
                    }
                    s.attempts.forEach((attempt, end) -> {
                        if (!end.equals("interrupted")) {
                            assertThat(ran)
                                    .as(at + ": attempt " + attempt + " ran")
                                    .containsKey(attempt);
                        }
                    });
                    // Every handler run is an attempt of its own in the log, except a Pure attempt
                    // lost with the unflushed tail of a batch: it is not in the log, or its number
                    // was given again to the attempt that re-ran it. Never with every-event
                    // durability; never for IO and side-effecting states, whose StateEntered is
                    // durable before their handler runs.
                    boolean pure = !state.equals("fetch") && !state.equals("charge");
                    for (var run : ran.entrySet()) {
                        int untraced = run.getValue() - (s.attempts.containsKey(run.getKey()) ? 1 : 0);
                        if (untraced > 0) {
                            assertThat(!everyEvent && pure)
                                    .as(at + ": attempt " + run.getKey() + " ran " + run.getValue()
                                            + " time(s), not each recorded in the log")
                                    .isTrue();
                            lost += untraced;
                        }
                    }
                }
                // The side effect: every attempt saw the same key, and it was applied once.
                for (Invocation inv : invocations.getOrDefault(i + " charge", List.of())) {
                    assertThat(inv.key()).as(label).isEqualTo(CrashScenario.chargeKey(i));
                }
                assertThat(Files.readString(data.resolve("effects").resolve(CrashScenario.chargeKey(i))))
                        .isEqualTo(CrashScenario.receipt(i));
            }
        }
        try (Stream<Path> effects = Files.list(data.resolve("effects"))) {
            Set<String> applied = new HashSet<>();
            // Temporary files (".charge-…tmp") are receipts a kill interrupted before publication.
            effects.map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith("."))
                    .forEach(applied::add);
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < runs; i++) {
                keys.add(CrashScenario.chargeKey(i));
            }
            assertThat(applied)
                    .as(durability + ": one effect per key, nothing else")
                    .isEqualTo(keys);
        }
        return new Outcome(durability, kills, runs, references, interrupted, retried, lost);
    }

    /** The final snapshot of each order run once, without any crash, on in-memory stores. */
    private Map<Integer, ArtifactId> uninterrupted(long seed, int runs) throws IOException {
        Path reference = Files.createDirectories(dir.resolve("reference-" + seed));
        CrashScenario.writeInputs(reference, seed, runs);
        CrashScenario scenario = new CrashScenario(reference, line -> {});
        Engine engine = Engine.builder().transports(scenario.transports()).build();
        Stores stores = new Stores(new InMemoryEventStore(), new InMemoryArtifactStore());
        Map<Integer, ArtifactId> out = new HashMap<>();
        for (int i = 0; i < runs; i++) {
            RunResult result = engine.start(stores, scenario.start(seed, i));
            assertThat(result.phase()).isEqualTo(RunPhase.COMPLETED);
            out.put(i, result.finalSnapshotId().orElseThrow());
        }
        return out;
    }

    /** The heads of the runs whose log ends with {@code RunCompleted}. */
    private static Map<RunId, Long> completedHeads(Path data, long seed, int runs) {
        Map<RunId, Long> heads = new HashMap<>();
        try (SqliteEventStore events = SqliteEventStore.open(data.resolve("events.db"))) {
            for (int i = 0; i < runs; i++) {
                RunId id = CrashScenario.runId(seed, i);
                long head = events.headSeq(id);
                if (head > 0
                        && events.readRange(id, head, Optional.of(head))
                                        .getFirst()
                                        .event()
                                instanceof Event.Kernel(KernelEvent.RunCompleted c)) {
                    heads.put(id, head);
                }
            }
        }
        return heads;
    }

    /** One handler start, from the journals: {@code i state attempt key}. */
    record Invocation(int order, String state, int attempt, String key) {}

    /** Every handler start of every child, keyed by {@code "i state"}. */
    private static Map<String, List<Invocation>> journal(Path data) throws IOException {
        Map<String, List<Invocation>> out = new HashMap<>();
        try (Stream<Path> files = Files.list(data.resolve("journal"))) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    String[] f = line.split(" ");
                    Invocation inv = new Invocation(Integer.parseInt(f[0]), f[1], Integer.parseInt(f[2]), f[3]);
                    out.computeIfAbsent(inv.order() + " " + inv.state(), k -> new ArrayList<>())
                            .add(inv);
                }
            }
        }
        return out;
    }

    /** The attempts of one state in a log: attempt → completed | failed | interrupted (no end). */
    private static final class StateLog {
        final TreeMap<Integer, String> attempts = new TreeMap<>();
        private Integer open;

        void entered(int attempt, String label) {
            if (!attempts.isEmpty()) {
                assertThat(attempt).as(label + ": attempts increase").isGreaterThan(attempts.lastKey());
            }
            if (open != null) {
                attempts.put(open, "interrupted"); // re-run: the open attempt is superseded
            }
            attempts.put(attempt, "open");
            open = attempt;
        }

        void ended(String how, String label) {
            assertThat(open)
                    .as(label + ": a terminal event closes an open attempt")
                    .isNotNull();
            attempts.put(open, how);
            open = null;
        }
    }

    // ------------------------------------------------------------------ child processes

    /** A {@link CrashChild} JVM and the lines it prints. */
    private static final class Child {
        private static final long TIMEOUT_SECONDS = 120;

        private final Process process;
        private final Path data;
        private final Path stderr;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private Child(Process process, Path data, Path stderr) {
            this.process = process;
            this.data = data;
            this.stderr = stderr;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader out =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the process died mid-line: what was read is all there is
                }
                lines.add("<eof>");
            });
        }

        static Child start(Path data, String durability, long seed, int runs) throws IOException {
            Path stderr = Files.createTempFile(data, "child-", ".err");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-XX:TieredStopAtLevel=1",
                    // sqlite-jdbc extracts its native library per process; a killed one leaves it behind
                    "-Dorg.sqlite.tmpdir=" + Files.createDirectories(data.resolve("native"))));
            String logging = System.getProperty("java.util.logging.config.file");
            if (logging != null) {
                command.add("-Djava.util.logging.config.file=" + logging);
            }
            command.addAll(List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    CrashChild.class.getName(),
                    data.toString(),
                    durability,
                    Long.toString(seed),
                    Integer.toString(runs)));
            Process process =
                    new ProcessBuilder(command).redirectError(stderr.toFile()).start();
            return new Child(process, data, stderr);
        }

        /** Waits for {@code ready}; returns the number of references the child checked. */
        long ready() throws Exception {
            String line = next();
            if (!line.startsWith("ready ")) {
                throw failure("expected ready, got '" + line + "'");
            }
            return Long.parseLong(line.split(" ")[2]);
        }

        /** Reads until {@code n} handler starts; true when the child finished first. */
        boolean awaitHandlerStarts(int n) throws Exception {
            for (int seen = 0; seen < n; ) {
                String line = next();
                if (line.equals("done")) {
                    return true;
                }
                if (!line.startsWith("h ")) {
                    throw failure("unexpected line '" + line + "'");
                }
                seen++;
            }
            return false;
        }

        /**
         * SIGKILLs the child; true when it had already exited by itself (successfully). A killed
         * child's exit status is 128 + 9: killed by SIGKILL, which no shutdown hook can catch.
         */
        boolean kill() throws Exception {
            process.destroyForcibly();
            assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            int status = process.exitValue();
            if (status == 0) {
                return true; // it finished between the last line and the signal
            }
            if (status != 137) {
                throw failure("exit status " + status + ", expected 137 (128 + SIGKILL)");
            }
            // SIGTERM would have run the JVM's shutdown hooks, which leave a marker; SIGKILL runs nothing.
            assertThat(data.resolve("exits").resolve(Long.toString(process.pid())))
                    .as("shutdown hooks did not run")
                    .doesNotExist();
            return false;
        }

        void awaitDone() throws Exception {
            for (String line = next(); !line.equals("done"); line = next()) {
                if (!line.startsWith("h ")) {
                    throw failure("unexpected line '" + line + "'");
                }
            }
            assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        }

        void destroy() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        private String next() throws Exception {
            String line = lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                throw failure("no output for " + TIMEOUT_SECONDS + " s");
            }
            if (line.equals("<eof>")) {
                process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                throw failure("the child ended (exit " + process.exitValue() + ")");
            }
            return line;
        }

        private AssertionError failure(String what) throws IOException {
            return new AssertionError(
                    "child " + process.pid() + ": " + what + "; its stderr:\n" + Files.readString(stderr));
        }
    }
}
