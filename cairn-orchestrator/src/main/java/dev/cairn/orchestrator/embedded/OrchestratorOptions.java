package dev.cairn.orchestrator.embedded;

import dev.cairn.cell.api.ExportSink;
import dev.cairn.cell.api.NoopExportSink;
import dev.cairn.machine.runtime.Durability;
import dev.cairn.machine.runtime.io.IoTransport;
import dev.cairn.machine.time.Clock;
import dev.cairn.machine.time.Entropy;
import dev.cairn.machine.time.Sleeper;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.export.ExportSinks;
import dev.cairn.store.sqlite.SqliteDatabase;
import dev.cairn.workspace.cache.HostKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * How to open an {@link EmbeddedOrchestrator}. Build with {@link #builder()}.
 *
 * @param home the directory holding the database ({@code cairn.db}) and the artifact store ({@code
 *     artifacts/}); default {@code ~/.cairn}
 * @param clock the clock of leases, timeouts, deadlines and event timestamps
 * @param sleeper how the kernel waits (a manual clock in tests)
 * @param entropy the source of run ids and of the kernel's random facts
 * @param leaseTtl how long a grant or a heartbeat keeps a lease alive; default {@value
 *     #DEFAULT_LEASE_TTL_SECONDS} s
 * @param maxLeaseAttempts how many times a task is granted before expired leases fail it with
 *     {@code lease_expired}; default {@value #DEFAULT_MAX_LEASE_ATTEMPTS}
 * @param timeoutGrace added to a step's timeout before the orchestrator itself ends the task (the
 *     runner enforces the timeout first); default 30 s
 * @param sweepInterval how often a background sweeper expires leases, timeouts and run deadlines;
 *     {@link Duration#ZERO} switches it off (tests then call {@link EmbeddedOrchestrator#sweep()})
 * @param resumeOnOpen whether {@code open} resumes the runs that had not ended; default {@code true}
 * @param durability when the kernel makes events durable; default {@link Durability#batched()}
 * @param meters where counters and gauges go; default a registry that keeps nothing
 * @param executorVersion the version of the {@code command} executor, part of every cache key
 *     (bump it when the runners' executor or host toolchain changes in a way that matters); default
 *     {@value #DEFAULT_EXECUTOR_VERSION}
 * @param hostKey the key of the secret-version digests in cache keys; default the one kept in
 *     {@code <home>/host.key} (created with mode 0600 on first use)
 * @param secrets what the orchestrator may know of the runners' secret broker: names checked at
 *     submission, versions for cache keys; default none (names are not checked, and steps that
 *     declare secrets are not cached)
 * @param exportSinks how a pipeline's {@code export:} targets become sinks; default sinks that
 *     resolve no secret ({@code bearer} targets fail) and refuse no content
 * @param defaultExportSink the sink of exported artifacts without a target; default one that
 *     refuses them
 * @param exportBase the directory relative export {@code dir}s are resolved against; default the
 *     process's working directory
 * @param runListener told of every run the orchestrator starts driving, with its per-run event
 *     sinks; default none
 * @param inference the kernel's {@value #INFERENCE_NAMESPACE} IO namespace, built over the
 *     orchestrator's database when it opens (the node's {@code InferenceTransport}); present means
 *     the home has inference configured, so pipeline steps may ask for it ({@code inference:});
 *     default absent: such steps are refused at submission with {@code inference_unavailable}
 * @param acceptanceWait how long a submission waits for its run's first append to carry its
 *     acceptance before it writes the acceptance in a commit of its own (see {@code Acceptances}),
 *     at least this long and at most half as long again; {@link Duration#ZERO} always writes it
 *     alone; default {@value #DEFAULT_ACCEPTANCE_WAIT_MILLIS} ms
 */
public record OrchestratorOptions(
        Path home,
        Clock clock,
        Sleeper sleeper,
        Entropy entropy,
        Duration leaseTtl,
        int maxLeaseAttempts,
        Duration timeoutGrace,
        Duration sweepInterval,
        boolean resumeOnOpen,
        Durability durability,
        MeterRegistry meters,
        String executorVersion,
        Optional<HostKey> hostKey,
        Optional<SecretCatalog> secrets,
        ExportSinks exportSinks,
        ExportSink defaultExportSink,
        Path exportBase,
        RunListener runListener,
        Optional<Function<SqliteDatabase, IoTransport>> inference,
        Duration acceptanceWait) {

    /** The IO namespace {@link #inference()} is registered under. */
    public static final String INFERENCE_NAMESPACE = "inference";

    /** Default {@link #executorVersion}. */
    public static final String DEFAULT_EXECUTOR_VERSION = "cairn-command/1";

    /** Default {@link #leaseTtl}, in seconds. */
    public static final long DEFAULT_LEASE_TTL_SECONDS = 30;

    /** Default {@link #acceptanceWait}, in milliseconds. */
    public static final long DEFAULT_ACCEPTANCE_WAIT_MILLIS = 250;

    /** Default {@link #maxLeaseAttempts}. */
    public static final int DEFAULT_MAX_LEASE_ATTEMPTS = 3;

    public OrchestratorOptions {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(entropy, "entropy");
        positive(leaseTtl, "lease_ttl");
        if (maxLeaseAttempts < 1 || maxLeaseAttempts > 1000) {
            throw new IllegalArgumentException("max_lease_attempts must be 1..1000, got " + maxLeaseAttempts);
        }
        Objects.requireNonNull(timeoutGrace, "timeout_grace");
        if (timeoutGrace.isNegative()) {
            throw new IllegalArgumentException("timeout_grace must not be negative, got " + timeoutGrace);
        }
        Objects.requireNonNull(sweepInterval, "sweep_interval");
        if (sweepInterval.isNegative()) {
            throw new IllegalArgumentException("sweep_interval must not be negative, got " + sweepInterval);
        }
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(meters, "meters");
        Objects.requireNonNull(executorVersion, "executor_version");
        if (executorVersion.isBlank()) {
            throw new IllegalArgumentException("executor_version must not be blank");
        }
        Objects.requireNonNull(hostKey, "host_key");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(exportSinks, "export_sinks");
        Objects.requireNonNull(defaultExportSink, "default_export_sink");
        Objects.requireNonNull(exportBase, "export_base");
        Objects.requireNonNull(runListener, "run_listener");
        Objects.requireNonNull(inference, "inference");
        Objects.requireNonNull(acceptanceWait, "acceptance_wait");
        if (acceptanceWait.isNegative()) {
            throw new IllegalArgumentException("acceptance_wait must not be negative, got " + acceptanceWait);
        }
    }

    private static void positive(Duration value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }

    /** The default home: {@code ~/.cairn}. */
    public static Path defaultHome() {
        return Path.of(System.getProperty("user.home"), ".cairn");
    }

    /** Options with every default ({@code ~/.cairn}, the host's clock, ...). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link OrchestratorOptions}; validation happens in {@link #build()}. */
    public static final class Builder {
        private Path home = defaultHome();
        private Clock clock = Clock.system();
        private Sleeper sleeper = Sleeper.system();
        private Entropy entropy = Entropy.secure();
        private Duration leaseTtl = Duration.ofSeconds(DEFAULT_LEASE_TTL_SECONDS);
        private Duration acceptanceWait = Duration.ofMillis(DEFAULT_ACCEPTANCE_WAIT_MILLIS);
        private int maxLeaseAttempts = DEFAULT_MAX_LEASE_ATTEMPTS;
        private Duration timeoutGrace = Duration.ofSeconds(30);
        private Duration sweepInterval = Duration.ofSeconds(1);
        private boolean resumeOnOpen = true;
        private Durability durability = Durability.batched();
        private MeterRegistry meters;
        private String executorVersion = DEFAULT_EXECUTOR_VERSION;
        private HostKey hostKey;
        private SecretCatalog secrets;
        private ExportSinks exportSinks;
        private ExportSink defaultExportSink = new NoopExportSink();
        private Path exportBase = Path.of("").toAbsolutePath();
        private RunListener runListener = RunListener.none();
        private Function<SqliteDatabase, IoTransport> inference;

        /**
         * The {@value #INFERENCE_NAMESPACE} IO namespace, built over the orchestrator's database when
         * it opens; steps may then ask for inference.
         */
        public Builder inference(Function<SqliteDatabase, IoTransport> value) {
            this.inference = value;
            return this;
        }

        public Builder runListener(RunListener value) {
            this.runListener = value;
            return this;
        }

        private Builder() {}

        public Builder executorVersion(String value) {
            this.executorVersion = value;
            return this;
        }

        public Builder hostKey(HostKey value) {
            this.hostKey = value;
            return this;
        }

        public Builder secrets(SecretCatalog value) {
            this.secrets = value;
            return this;
        }

        public Builder exportSinks(ExportSinks value) {
            this.exportSinks = value;
            return this;
        }

        public Builder defaultExportSink(ExportSink value) {
            this.defaultExportSink = value;
            return this;
        }

        public Builder exportBase(Path value) {
            this.exportBase = value;
            return this;
        }

        public Builder home(Path value) {
            this.home = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        public Builder sleeper(Sleeper value) {
            this.sleeper = value;
            return this;
        }

        public Builder entropy(Entropy value) {
            this.entropy = value;
            return this;
        }

        public Builder leaseTtl(Duration value) {
            this.leaseTtl = value;
            return this;
        }

        public Builder maxLeaseAttempts(int value) {
            this.maxLeaseAttempts = value;
            return this;
        }

        public Builder timeoutGrace(Duration value) {
            this.timeoutGrace = value;
            return this;
        }

        public Builder acceptanceWait(Duration value) {
            this.acceptanceWait = value;
            return this;
        }

        public Builder sweepInterval(Duration value) {
            this.sweepInterval = value;
            return this;
        }

        public Builder resumeOnOpen(boolean value) {
            this.resumeOnOpen = value;
            return this;
        }

        public Builder durability(Durability value) {
            this.durability = value;
            return this;
        }

        public Builder meters(MeterRegistry value) {
            this.meters = value;
            return this;
        }

        public OrchestratorOptions build() {
            return new OrchestratorOptions(
                    home,
                    clock,
                    sleeper,
                    entropy,
                    leaseTtl,
                    maxLeaseAttempts,
                    timeoutGrace,
                    sweepInterval,
                    resumeOnOpen,
                    durability,
                    meters == null ? new CompositeMeterRegistry() : meters,
                    executorVersion,
                    Optional.ofNullable(hostKey),
                    Optional.ofNullable(secrets),
                    exportSinks == null
                            ? new ExportSinks(SecretLookup.none(), in -> Optional.empty(), java.time.Clock.systemUTC())
                            : exportSinks,
                    defaultExportSink,
                    exportBase,
                    runListener,
                    Optional.ofNullable(inference),
                    acceptanceWait);
        }
    }
}
