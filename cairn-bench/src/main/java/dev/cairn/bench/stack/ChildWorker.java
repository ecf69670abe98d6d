package dev.cairn.bench.stack;

import dev.cairn.bench.BenchException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A remote worker in a child JVM ({@link WorkerMain}), started as a user starts {@code cairn
 * worker}: {@code java} of this JVM, this JVM's class path, nothing else shared. Standard error goes
 * to a file in the benchmark's directory, quoted when the worker fails. {@link #close()} ends it in
 * every case: standard input is closed (the worker stops by itself), and a worker still alive after
 * a grace period is killed ({@code destroyForcibly}); the worker also stops when this JVM dies,
 * since its standard input then ends.
 */
final class ChildWorker implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path err;
    private final OutputStream stdin;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final BlockingQueue<Long> pongs = new LinkedBlockingQueue<>();
    private final BlockingQueue<Long> compilations = new LinkedBlockingQueue<>();
    private final ProbeRunner.Starts starts;

    private ChildWorker(String name, Process process, Path err, ProbeRunner.Starts starts) {
        this.name = name;
        this.process = process;
        this.err = err;
        this.stdin = process.getOutputStream();
        this.starts = starts;
        Thread.ofPlatform().daemon().name("cairn-bench-" + name + "-out").start(this::readOutput);
    }

    /**
     * Starts a worker for {@code server} serving {@code capabilities} (and the probes among them) with
     * {@code concurrency} task slots, and waits until it runs.
     *
     * @throws BenchException {@code bench_self_check_failed} when it does not start, quoting its
     *     standard error
     */
    static ChildWorker start(
            Path dir,
            String name,
            URI server,
            List<String> capabilities,
            List<String> probes,
            int concurrency,
            ProbeRunner.Starts starts) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                WorkerMain.class.getName(),
                "--server",
                server.toString(),
                "--concurrency",
                Integer.toString(concurrency)));
        for (String c : capabilities) {
            command.addAll(List.of("--capability", c));
        }
        for (String p : probes) {
            command.addAll(List.of("--probe", p));
        }
        Path err = dir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
        ChildWorker worker;
        try {
            worker = new ChildWorker(name, builder.start(), err, starts);
        } catch (IOException e) {
            throw BenchException.selfCheckFailed(
                    "stack", "cannot start the worker JVM " + command.getFirst() + ": " + e);
        }
        try {
            worker.awaitReady(Duration.ofSeconds(60));
            return worker;
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
    }

    private void awaitReady(Duration limit) {
        try {
            if (!ready.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failed("did not start within " + limit);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Checks that this JVM and the worker read the same monotonic clock ({@code System.nanoTime}, on
     * Linux {@code CLOCK_MONOTONIC}, one clock for the whole machine): the worker's reading must fall
     * between this JVM's readings before the ping and after the pong, else times measured across the
     * two JVMs would mean nothing.
     *
     * @return the round trip, in nanoseconds
     * @throws BenchException {@code bench_self_check_failed} when it does not
     */
    long checkClock() {
        try {
            pongs.clear();
            long before = System.nanoTime();
            stdin.write("ping\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            Long theirs = pongs.poll(10, TimeUnit.SECONDS);
            long after = System.nanoTime();
            if (theirs == null) {
                throw failed("did not answer a ping within 10 s");
            }
            if (theirs < before || theirs > after) {
                throw failed("reads another monotonic clock: its " + theirs + " is not within this JVM's [" + before
                        + ", " + after + "]");
            }
            return after - before;
        } catch (IOException e) {
            throw failed("cannot be written to: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * How long the worker JVM's JIT has compiled so far, in ms ({@code CompilationMXBean}); -1 where
     * it does not tell.
     *
     * @throws BenchException {@code bench_self_check_failed} when the worker does not answer
     */
    long compilationMillis() {
        try {
            compilations.clear();
            stdin.write("jit\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            Long millis = compilations.poll(10, TimeUnit.SECONDS);
            if (millis == null) {
                throw failed("did not say how long its JIT compiled within 10 s");
            }
            return millis;
        } catch (IOException e) {
            throw failed("cannot be written to: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The CPU time the worker JVM has used so far (all its threads), or -1 where unknown. */
    long cpuNanos() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(-1L);
    }

    long pid() {
        return process.pid();
    }

    private void readOutput() {
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (!line.startsWith(WorkerMain.PREFIX)) {
                    continue;
                }
                String[] words = line.substring(WorkerMain.PREFIX.length()).split(" ");
                switch (words[0]) {
                    case "ready" -> ready.countDown();
                    case "started" -> starts.started(words[1], Long.parseLong(words[2]));
                    case "pong" -> pongs.add(Long.parseLong(words[1]));
                    case "jit" -> compilations.add(Long.parseLong(words[1]));
                    default -> {
                        // a line of a newer protocol: nothing to do with it
                    }
                }
            }
        } catch (IOException e) {
            // the worker ended: close() or failed() says what happened
        }
    }

    private BenchException failed(String what) {
        String tail;
        try {
            List<String> lines = Files.exists(err) ? Files.readAllLines(err) : List.of();
            tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            tail = "(standard error unreadable: " + e + ")";
        }
        String state = process.isAlive() ? "running" : "ended with exit code " + process.exitValue();
        return BenchException.selfCheckFailed(
                "stack",
                "worker " + name + " (pid " + process.pid() + ", " + state + ") " + what + "; stderr:\n" + tail);
    }

    /**
     * Ends the workers together: closes every standard input first, so that they stop at the same
     * time, then waits for each ({@link #close()}).
     */
    static void closeAll(List<ChildWorker> workers) {
        workers.forEach(ChildWorker::closeInput);
        workers.forEach(ChildWorker::close);
    }

    private void closeInput() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone: close() kills what is left
        }
    }

    /** Ends the worker: closes its standard input, waits for it to stop, kills it if it does not. */
    @Override
    public void close() {
        closeInput();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
