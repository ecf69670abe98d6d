package dev.cairn.runner.node;

import dev.cairn.runner.api.lease.AcquireRequest;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How a {@link RunnerNode} works: who it is, what it takes and how it keeps its leases. Build with
 * {@link #builder()}; every option has a default.
 *
 * @param workerId the node's name in leases ({@link #defaultWorkerId()}: host name and process id)
 * @param labels the node's labels; a task that requires {@code region=eu} goes only to a node
 *     labelled {@code region=eu}. Names are {@code [A-Za-z0-9._/-]}, 1..63 characters; values are
 *     printable, 1..255 characters. Default none
 * @param capabilities the capabilities to serve, a subset of the registry's; empty means all of them
 * @param concurrency how many tasks run at once, 1..{@value AcquireRequest#MAX_LEASES}; default
 *     the number of processors
 * @param acquireWait how long one acquire call waits for work (long poll), at most 60 s; default 20 s
 * @param heartbeatFraction heartbeat when this fraction of the lease's time to live has passed,
 *     0.05..0.9; default 1/3 (a 30 s lease is renewed every 10 s)
 * @param heartbeatInterval the interval when a lease has no expiry; default 10 s
 * @param logFlushInterval how soon pending log lines or progress are relayed, even if the lease
 *     needs no renewal yet; default 1 s
 * @param backoff delays between retries when the lease service is unavailable
 * @param shutdownGrace how long {@link RunnerNode#close()} lets running tasks finish before it
 *     stops them; default 30 s
 * @param completeRetryTimeout how long the node keeps retrying a completion the lease service
 *     cannot take (it is idempotent), or longer while the lease may still be valid; also how long
 *     uploads retry for a lease without an expiry; default 5 min
 * @param workRoot where tasks' scratch files go; default {@code java.io.tmpdir/cairn-runner}
 * @param clock the clock for log timestamps and lease deadlines
 */
public record RunnerNodeOptions(
        String workerId,
        SortedMap<String, String> labels,
        List<String> capabilities,
        int concurrency,
        Duration acquireWait,
        double heartbeatFraction,
        Duration heartbeatInterval,
        Duration logFlushInterval,
        Backoff backoff,
        Duration shutdownGrace,
        Duration completeRetryTimeout,
        Path workRoot,
        Clock clock) {

    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9._/-]{1,63}");

    public RunnerNodeOptions {
        if (workerId == null || workerId.isBlank() || workerId.length() > 128) {
            throw RunnerNodeException.invalidOption("worker_id", "must be 1..128 characters, got " + workerId);
        }
        labels = Collections.unmodifiableSortedMap(validLabels(labels));
        capabilities = List.copyOf(Objects.requireNonNull(capabilities, "capabilities"));
        if (concurrency < 1 || concurrency > AcquireRequest.MAX_LEASES) {
            throw RunnerNodeException.invalidOption(
                    "concurrency", "must be 1.." + AcquireRequest.MAX_LEASES + ", got " + concurrency);
        }
        positive("acquire_wait", acquireWait);
        if (acquireWait.compareTo(AcquireRequest.MAX_WAIT) > 0) {
            throw RunnerNodeException.invalidOption("acquire_wait", "must be at most 60 s, got " + acquireWait);
        }
        if (!(heartbeatFraction >= 0.05 && heartbeatFraction <= 0.9)) {
            throw RunnerNodeException.invalidOption(
                    "heartbeat_fraction", "must be 0.05..0.9, got " + heartbeatFraction);
        }
        positive("heartbeat_interval", heartbeatInterval);
        positive("log_flush_interval", logFlushInterval);
        Objects.requireNonNull(backoff, "backoff");
        positive("shutdown_grace", shutdownGrace);
        positive("complete_retry_timeout", completeRetryTimeout);
        Objects.requireNonNull(workRoot, "work_root");
        Objects.requireNonNull(clock, "clock");
    }

    /** Options with every default. */
    public static RunnerNodeOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.workerId = workerId;
        b.labels.putAll(labels);
        b.capabilities = capabilities;
        b.concurrency = concurrency;
        b.acquireWait = acquireWait;
        b.heartbeatFraction = heartbeatFraction;
        b.heartbeatInterval = heartbeatInterval;
        b.logFlushInterval = logFlushInterval;
        b.backoff = backoff;
        b.shutdownGrace = shutdownGrace;
        b.completeRetryTimeout = completeRetryTimeout;
        b.workRoot = workRoot;
        b.clock = clock;
        return b;
    }

    /** {@code <host name>-<pid>}, e.g. {@code build-3-48213}. */
    public static String defaultWorkerId() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME"))
                .filter(h -> !h.isBlank())
                .orElseGet(() -> {
                    String jvm = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
                    int at = jvm.indexOf('@');
                    return at < 0 ? "worker" : jvm.substring(at + 1);
                });
        String id = host + "-" + ProcessHandle.current().pid();
        return id.length() > 128 ? id.substring(0, 128) : id;
    }

    /** Parses {@code name=value} into a label, as the CLI's {@code --label region=eu}. */
    public static Map.Entry<String, String> parseLabel(String text) {
        int eq = text == null ? -1 : text.indexOf('=');
        if (eq <= 0) {
            throw RunnerNodeException.invalidOption("label", "must be name=value, got `" + text + "`");
        }
        SortedMap<String, String> one = new TreeMap<>();
        one.put(text.substring(0, eq), text.substring(eq + 1));
        return validLabels(one).entrySet().iterator().next();
    }

    private static SortedMap<String, String> validLabels(Map<String, String> labels) {
        SortedMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e :
                Objects.requireNonNull(labels, "labels").entrySet()) {
            String name = e.getKey();
            String value = e.getValue();
            if (name == null || !LABEL_NAME.matcher(name).matches()) {
                throw RunnerNodeException.invalidOption(
                        "labels", "label name `" + name + "` must be 1..63 characters of [A-Za-z0-9._/-]");
            }
            if (value == null
                    || value.isEmpty()
                    || value.length() > 255
                    || !value.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
                throw RunnerNodeException.invalidOption(
                        "labels", "label `" + name + "` needs a printable value of 1..255 characters");
            }
            copy.put(name, value);
        }
        return copy;
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw RunnerNodeException.invalidOption(name, "must be a positive duration, got " + value);
        }
    }

    /** Builds {@link RunnerNodeOptions}; unset options keep their defaults. */
    public static final class Builder {
        private String workerId;
        private final SortedMap<String, String> labels = new TreeMap<>();
        private List<String> capabilities = List.of();
        private int concurrency = Runtime.getRuntime().availableProcessors();
        private Duration acquireWait = Duration.ofSeconds(20);
        private double heartbeatFraction = 1.0 / 3;
        private Duration heartbeatInterval = Duration.ofSeconds(10);
        private Duration logFlushInterval = Duration.ofSeconds(1);
        private Backoff backoff = Backoff.DEFAULT;
        private Duration shutdownGrace = Duration.ofSeconds(30);
        private Duration completeRetryTimeout = Duration.ofMinutes(5);
        private Path workRoot = Path.of(System.getProperty("java.io.tmpdir"), "cairn-runner");
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        public Builder workerId(String value) {
            this.workerId = value;
            return this;
        }

        /** Adds (or replaces) one label. */
        public Builder label(String name, String value) {
            labels.put(name, value);
            return this;
        }

        /** Adds (or replaces) labels. */
        public Builder labels(Map<String, String> values) {
            labels.putAll(values);
            return this;
        }

        public Builder capabilities(List<String> value) {
            this.capabilities = value;
            return this;
        }

        public Builder concurrency(int value) {
            this.concurrency = value;
            return this;
        }

        public Builder acquireWait(Duration value) {
            this.acquireWait = value;
            return this;
        }

        public Builder heartbeatFraction(double value) {
            this.heartbeatFraction = value;
            return this;
        }

        public Builder heartbeatInterval(Duration value) {
            this.heartbeatInterval = value;
            return this;
        }

        public Builder logFlushInterval(Duration value) {
            this.logFlushInterval = value;
            return this;
        }

        public Builder backoff(Backoff value) {
            this.backoff = value;
            return this;
        }

        public Builder shutdownGrace(Duration value) {
            this.shutdownGrace = value;
            return this;
        }

        public Builder completeRetryTimeout(Duration value) {
            this.completeRetryTimeout = value;
            return this;
        }

        public Builder workRoot(Path value) {
            this.workRoot = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /**
         * The options.
         *
         * @throws RunnerNodeException {@code invalid_option} naming the first option that breaks its rule
         */
        public RunnerNodeOptions build() {
            return new RunnerNodeOptions(
                    workerId == null ? defaultWorkerId() : workerId,
                    labels,
                    capabilities,
                    concurrency,
                    acquireWait,
                    heartbeatFraction,
                    heartbeatInterval,
                    logFlushInterval,
                    backoff,
                    shutdownGrace,
                    completeRetryTimeout,
                    workRoot,
                    clock);
        }
    }
}
