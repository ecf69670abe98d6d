package dev.cairn.sinks.delivery;

import dev.cairn.sinks.Backoff;
import dev.cairn.sinks.config.EventSinkFactory;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * How an {@link EventRelay} runs. Build with {@link #builder()}.
 *
 * @param sourceAuthority the authority of event sources; when empty, the one recorded in the
 *     database, else the host name, which is then recorded
 * @param batchSize the most events read and handed to a sink at once
 * @param pollInterval how long a caught-up sink waits for a wake-up before it looks at the log
 *     again anyway (the fallback when a notification is missed)
 * @param retryBackoff the delays between failed deliveries of a sink (exponential, with jitter)
 * @param runSinks builds per-run sinks from their stored configuration; without it, {@link
 *     EventRelay#subscribeRun} is refused and stored per-run sinks wait
 * @param observer told of every acknowledged batch
 * @param clock the clock of status times
 * @param manual when true, the relay starts no threads: {@link EventRelay#pump} runs passes (tests,
 *     tools)
 */
public record RelayOptions(
        Optional<String> sourceAuthority,
        int batchSize,
        Duration pollInterval,
        Backoff retryBackoff,
        Optional<EventSinkFactory> runSinks,
        DeliveryObserver observer,
        InstantSource clock,
        boolean manual) {

    public static final int DEFAULT_BATCH_SIZE = 256;
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Backoff DEFAULT_RETRY_BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    public RelayOptions {
        Objects.requireNonNull(sourceAuthority, "source_authority");
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batch size must be 1 to 10000, got " + batchSize);
        }
        Objects.requireNonNull(pollInterval, "poll_interval");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive, got " + pollInterval);
        }
        Objects.requireNonNull(retryBackoff, "retry_backoff");
        Objects.requireNonNull(runSinks, "run_sinks");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(clock, "clock");
    }

    /** The defaults. */
    public static RelayOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link RelayOptions} from the defaults. */
    public static final class Builder {
        private Optional<String> sourceAuthority = Optional.empty();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Backoff retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Optional<EventSinkFactory> runSinks = Optional.empty();
        private DeliveryObserver observer = DeliveryObserver.NONE;
        private InstantSource clock = InstantSource.system();
        private boolean manual;

        private Builder() {}

        public Builder sourceAuthority(String authority) {
            this.sourceAuthority = Optional.of(authority);
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
            return this;
        }

        public Builder retryBackoff(Backoff retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        public Builder runSinks(EventSinkFactory factory) {
            this.runSinks = Optional.of(factory);
            return this;
        }

        public Builder observer(DeliveryObserver observer) {
            this.observer = observer;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        public Builder manual(boolean manual) {
            this.manual = manual;
            return this;
        }

        public RelayOptions build() {
            return new RelayOptions(
                    sourceAuthority, batchSize, pollInterval, retryBackoff, runSinks, observer, clock, manual);
        }
    }
}
