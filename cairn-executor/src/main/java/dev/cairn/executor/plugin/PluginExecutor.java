package dev.cairn.executor.plugin;

import dev.cairn.executor.ExecutorException;
import dev.cairn.executor.StepExecutor;
import dev.cairn.executor.StepHost;
import dev.cairn.executor.protocol.ExecutorInput;
import dev.cairn.executor.protocol.HostMessage;
import dev.cairn.executor.protocol.PluginMessage;
import dev.cairn.executor.protocol.StepResult;
import dev.cairn.json.CodedError;
import dev.cairn.json.wire.Wire;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An external executor program speaking seed 002's executor protocol (version {@value
 * dev.cairn.executor.protocol.ExecutorProtocol#PROTOCOL_VERSION}, see {@code
 * docs/executor-protocol.md}): started once per step, fed {@link HostMessage} lines on stdin,
 * answering {@link PluginMessage} lines on stdout; its stderr is the step's log.
 *
 * <p>The host answers each {@code archive_read} through {@link StepHost#archiveRead} ({@code
 * archive_error} when that fails), sends {@code cancel} when the step is cancelled and kills the
 * program after {@link PluginOptions#cancelGrace()}, and kills it when the step's timeout passes.
 * What the program does wrong is a typed failure of the step, and the program is killed:
 *
 * <ul>
 *   <li>{@code plugin_start_failed}: it could not be started;
 *   <li>{@code plugin_protocol_violation}: a line that is not a valid {@code PluginMessage} (not JSON,
 *       an unknown {@code type}, a bad field), or a line after its final one;
 *   <li>{@code plugin_line_too_long}: a line longer than {@link PluginOptions#maxLineBytes()};
 *   <li>{@code plugin_exited}: it exited (or closed stdout) before its final line;
 *   <li>its own {@code failed} code (e.g. {@code unsupported_protocol_version}) when it answers {@code
 *       failed}.
 * </ul>
 *
 * <p>Plugins get no secrets in protocol version 1: a step that declares secrets is refused ({@code
 * secrets_unsupported}) rather than run without them.
 */
public final class PluginExecutor implements StepExecutor {

    private static final int STDERR_TAIL = 5;

    private final PluginOptions options;

    public PluginExecutor(PluginOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public PluginOptions options() {
        return options;
    }

    @Override
    public String name() {
        return options.capability();
    }

    @Override
    public StepResult execute(ExecutorInput input, StepHost host) {
        String step = host.stepLabel();
        if (!host.secrets().isEmpty()) {
            throw new ExecutorException(
                    "secrets_unsupported",
                    "step " + step + " declares secrets, which executor plugin " + name()
                            + " cannot receive (protocol version 1 carries none)",
                    false,
                    "Run the step with the built-in command executor, or drop its secrets.",
                    null);
        }
        if (input.step().inference().isPresent()) {
            throw ExecutorException.inferenceUnavailable(
                    step,
                    "executor plugin " + name() + " gets no inference endpoint (protocol version 1 carries none)");
        }
        ProcessBuilder builder = new ProcessBuilder(options.command())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.PIPE);
        builder.environment().clear();
        builder.environment().putAll(options.env());
        options.directory().ifPresent(d -> builder.directory(d.toFile()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ExecutorException(
                    "plugin_start_failed",
                    "step " + step + ": cannot start executor plugin " + name() + " ("
                            + options.command().getFirst() + "): " + e.getMessage(),
                    false,
                    "Check the plugin's registration: the program must exist and be executable.",
                    e);
        }
        Deque<String> stderrTail = new ArrayDeque<>();
        Thread stderr =
                Thread.ofVirtual().name("cairn-plugin-stderr").start(() -> pumpStderr(process, host, stderrTail));
        Conversation conversation = new Conversation(process, host, step);
        Thread watcher = Thread.ofVirtual()
                .name("cairn-plugin-watch")
                .start(() -> conversation.watch(input.step().timeout().plus(options.exitGrace())));
        try {
            conversation.send(new HostMessage.Execute(input));
            StepResult result = conversation.run();
            conversation.closeInput();
            if (!process.waitFor(options.exitGrace().toNanos(), TimeUnit.NANOSECONDS)) {
                host.log("warn", "runner", "executor plugin " + name() + " did not exit after its result; killed");
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ExecutorException.cancelled(step);
        } catch (ExecutorException e) {
            if (conversation.cancelled.get() && !e.code().equals(ExecutorException.CANCELLED)) {
                throw ExecutorException.cancelled(step);
            }
            if (conversation.timedOut.get()) {
                throw ExecutorException.timeout(step, input.step().timeout());
            }
            if (e.code().equals("plugin_exited")) {
                waitQuietly(process);
                joinQuietly(stderr);
                throw new ExecutorException(
                        e.code(),
                        e.getMessage()
                                + (process.isAlive() ? "" : " (exit status " + process.exitValue() + ")")
                                + tail(stderrTail),
                        false,
                        e.hint(),
                        null);
            }
            throw e;
        } finally {
            conversation.done.set(true);
            watcher.interrupt();
            kill(process);
            try {
                stderr.join(options.exitGrace());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Conversation {
        private final Process process;
        private final StepHost host;
        private final String step;
        private final OutputStream stdin;
        private final InputStream stdout;
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicBoolean timedOut = new AtomicBoolean();
        private int lineNumber;

        Conversation(Process process, StepHost host, String step) {
            this.process = process;
            this.host = host;
            this.step = step;
            this.stdin = process.getOutputStream();
            this.stdout = new BufferedInputStream(process.getInputStream(), 1 << 16);
        }

        synchronized void send(HostMessage message) {
            try {
                stdin.write(Wire.writeBytes(message));
                stdin.write('\n');
                stdin.flush();
            } catch (IOException e) {
                // the program closed its stdin or died: its stdout tells the rest
            }
        }

        synchronized void closeInput() {
            try {
                stdin.close();
            } catch (IOException e) {
                // already gone
            }
        }

        StepResult run() {
            while (true) {
                byte[] line = readLine();
                if (line == null) {
                    throw new ExecutorException(
                            "plugin_exited",
                            "step " + step + ": executor plugin " + name() + " ended its output without a result",
                            false,
                            "An executor program must end with one `result` or `failed` line; see its stderr.",
                            null);
                }
                PluginMessage message = parse(line);
                switch (message) {
                    case PluginMessage.ArchiveRead read -> {
                        HostMessage answer;
                        try {
                            answer = new HostMessage.ArchiveData(read.requestId(), host.archiveRead(read.request()));
                        } catch (RuntimeException e) {
                            String code = e instanceof CodedError c ? c.code() : "archive_read_failed";
                            answer = new HostMessage.ArchiveError(read.requestId(), code, e.getMessage());
                        }
                        send(answer);
                    }
                    case PluginMessage.Result r -> {
                        return r.result();
                    }
                    case PluginMessage.Failed f -> {
                        if (f.code().equals(ExecutorException.CANCELLED)) {
                            throw ExecutorException.cancelled(step);
                        }
                        throw new ExecutorException(
                                f.code(),
                                "step " + step + ": executor plugin " + name() + " failed: " + f.message(),
                                f.retryable(),
                                "See the step's log for the plugin's stderr.",
                                null);
                    }
                }
            }
        }

        private PluginMessage parse(byte[] line) {
            try {
                return Wire.read(line, PluginMessage.class);
            } catch (RuntimeException e) {
                String text = new String(line, 0, Math.min(line.length, 120), StandardCharsets.UTF_8);
                throw new ExecutorException(
                        "plugin_protocol_violation",
                        "step " + step + ": executor plugin " + name() + " wrote line " + lineNumber
                                + " that is not a valid PluginMessage (" + e.getMessage() + "): "
                                + text + (line.length > 120 ? "…" : ""),
                        false,
                        "stdout is reserved for protocol lines; write logs to stderr.",
                        e);
            }
        }

        /** The next line without its {@code \n}, or null at the end of the stream. */
        private byte[] readLine() {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try {
                while (true) {
                    int b = stdout.read();
                    if (b < 0) {
                        if (buf.size() == 0) {
                            return null;
                        }
                        break;
                    }
                    if (b == '\n') {
                        break;
                    }
                    if (buf.size() >= options.maxLineBytes()) {
                        throw new ExecutorException(
                                "plugin_line_too_long",
                                "step " + step + ": executor plugin " + name() + " wrote a line longer than "
                                        + options.maxLineBytes() + " bytes",
                                false,
                                "Keep protocol lines within the limit: read the archive in pieces of at most 1 MiB.",
                                null);
                    }
                    buf.write(b);
                }
            } catch (IOException e) {
                return null;
            }
            lineNumber++;
            return buf.toByteArray();
        }

        /** Sends {@code cancel} when the step is cancelled, and kills the program after the grace or the timeout. */
        void watch(java.time.Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            long killAt = Long.MAX_VALUE;
            try {
                while (!done.get() && process.isAlive()) {
                    long now = System.nanoTime();
                    if (!cancelled.get() && host.isCancelled()) {
                        cancelled.set(true);
                        send(new HostMessage.Cancel());
                        killAt = now + options.cancelGrace().toNanos();
                    }
                    if (now - killAt >= 0 || (now - deadline >= 0 && !cancelled.get())) {
                        if (now - deadline >= 0 && !cancelled.get()) {
                            timedOut.set(true);
                        }
                        kill(process);
                        return;
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                // done
            }
        }
    }

    private static void pumpStderr(Process process, StepHost host, Deque<String> tail) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.length() > 16 * 1024) {
                    line = line.substring(0, 16 * 1024) + "…[truncated]";
                }
                host.log("info", "stderr", line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > STDERR_TAIL) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the program is gone
        }
    }

    private static String tail(Deque<String> tail) {
        synchronized (tail) {
            return tail.isEmpty() ? "" : "; last stderr lines: " + String.join(" | ", tail);
        }
    }

    private static void waitQuietly(Process process) {
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the stderr pump to reach the end of the stream, so the message carries the last lines. */
    private void joinQuietly(Thread pump) {
        try {
            pump.join(options.exitGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
