package dev.cairn.machine.runtime.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.errors.MachineException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.io.IoProvider;
import dev.cairn.machine.io.IoResult;
import dev.cairn.machine.time.Clock;
import dev.cairn.machine.time.Entropy;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The live {@link IoProvider} of one state attempt: performs calls through the {@link IoRouter} and
 * records what replay needs as facts.
 *
 * <ul>
 *   <li>{@link #call}: a call with a fact key whose fact is already recorded in this run returns the
 *       recorded response without performing IO (a fact key names one fact per run). Otherwise the
 *       provider first runs the engine's <em>durability barrier</em> (everything the run appended so
 *       far is made durable before anything leaves the process), then calls the transport and, when
 *       the call has a fact key, records the response ({@code FactPayload} artifact + {@code
 *       fact_recorded}). A call without a fact key is performed and not recorded: replay cannot
 *       reproduce it.
 *   <li>{@link #nowMillis} and {@link #randomBytes} read the engine's clock and entropy ports and
 *       record the value under a derived key ({@link AttemptFactKeys}).
 *   <li>Cancellation: once the run is cancelled (or the thread interrupted) every method fails fast
 *       with {@link IoException#interrupted()}.
 * </ul>
 */
public final class LiveIo implements IoProvider {

    private final IoRouter router;
    private final IoCallContext context;
    private final FactLedger ledger;
    private final AttemptFactKeys keys;
    private final Clock clock;
    private final Entropy entropy;
    private final Runnable barrier;
    private final BooleanSupplier cancelled;

    private LiveIo(Builder b) {
        this.router = Objects.requireNonNull(b.router, "router");
        this.context = Objects.requireNonNull(b.context, "context");
        this.ledger = Objects.requireNonNull(b.ledger, "ledger");
        this.keys = Objects.requireNonNull(b.keys, "keys");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.entropy = Objects.requireNonNull(b.entropy, "entropy");
        this.barrier = b.barrier;
        this.cancelled = b.cancelled;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public IoResult call(IoCall call) {
        Objects.requireNonNull(call, "call");
        checkCancelled();
        Optional<FactKey> key = call.factKey();
        if (key.isPresent()) {
            Optional<ArtifactId> recorded = ledger.lookup(key.get());
            if (recorded.isPresent()) {
                return new IoResult(ledger.payload(recorded.get()), recorded);
            }
        }
        IoTransport transport = router.route(call.namespace());
        try {
            transport.beforeBarrier(call, context);
        } catch (RuntimeException e) {
            // staging is an optimisation; the call does the work itself
        }
        barrier.run();
        checkCancelled();
        JsonNode response;
        try {
            response = transport.call(call, context);
        } catch (MachineException e) {
            throw e;
        } catch (RuntimeException e) {
            checkCancelled();
            throw transportFailed(call.namespace(), e);
        }
        if (response == null) {
            throw transportFailed(call.namespace(), new NullPointerException("transport returned null"));
        }
        checkCancelled();
        if (key.isEmpty()) {
            return new IoResult(response, Optional.empty());
        }
        var meta = JsonNodeFactory.instance.objectNode().put("namespace", call.namespace());
        ArtifactId id = ledger.record(key.get(), response, meta);
        return new IoResult(ledger.payload(id), Optional.of(id));
    }

    @Override
    public ArtifactId recordValue(FactKey key, JsonNode value) {
        checkCancelled();
        return ledger.record(key, value, JsonNodeFactory.instance.objectNode());
    }

    @Override
    public Optional<ArtifactId> getRecordedFact(FactKey key) {
        return ledger.lookup(key);
    }

    @Override
    public long nowMillis() {
        checkCancelled();
        FactKey key = keys.next(AttemptFactKeys.NOW_MILLIS);
        long now = clock.nowMillis();
        ArtifactId id = ledger.record(key, LongNode.valueOf(now), kind(AttemptFactKeys.NOW_MILLIS));
        if (now < 0 || now > MAX_EXACT_MILLIS) {
            return ReplayIo.readMillis(ledger, id); // refuses what replay would refuse
        }
        // The recorded fact is this value (a key bound to another fails with fact_conflict) and its
        // canonical form is exact, so replay reads back `now`; no need to read the payload back.
        return now;
    }

    @Override
    public byte[] randomBytes(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        checkCancelled();
        FactKey key = keys.next(AttemptFactKeys.RANDOM_BYTES);
        byte[] bytes = entropy.randomBytes(n);
        ArtifactId id = ledger.record(
                key, TextNode.valueOf(Base64.getEncoder().encodeToString(bytes)), kind(AttemptFactKeys.RANDOM_BYTES));
        if (bytes.length != n) {
            return ReplayIo.readBytes(ledger, id, n); // refuses what replay would refuse
        }
        // The recorded fact is the base64 of these bytes (a key bound to another fails with
        // fact_conflict), so replay decodes exactly them; no need to read the payload back.
        return bytes.clone();
    }

    /** Canonical JSON numbers are doubles: integers beyond 2^53 may not read back exactly. */
    private static final long MAX_EXACT_MILLIS = 1L << 53;

    private static JsonNode kind(String kind) {
        return JsonNodeFactory.instance.objectNode().put("kind", kind);
    }

    private void checkCancelled() {
        if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            Thread.currentThread().interrupt();
            throw IoException.interrupted();
        }
    }

    private static IoException transportFailed(String namespace, RuntimeException cause) {
        ErrorInfo info = ErrorInfo.of(
                IoCodes.TRANSPORT_FAILED,
                ErrorCategory.UNKNOWN,
                false,
                "the transport for namespace `" + namespace + "` failed unexpectedly ("
                        + cause.getClass().getSimpleName() + ")");
        return IoException.transport(info, cause);
    }

    /** Builds a {@link LiveIo}; not thread-safe. */
    public static final class Builder {
        private IoRouter router;
        private IoCallContext context;
        private FactLedger ledger;
        private AttemptFactKeys keys;
        private Clock clock = Clock.system();
        private Entropy entropy;
        private Runnable barrier = () -> {};
        private BooleanSupplier cancelled = () -> false;

        private Builder() {}

        /** Required: where calls go. */
        public Builder router(IoRouter value) {
            this.router = value;
            return this;
        }

        /** Required: the attempt making the calls. */
        public Builder context(IoCallContext value) {
            this.context = value;
            return this;
        }

        /** Required: where facts are looked up and recorded. */
        public Builder ledger(FactLedger value) {
            this.ledger = value;
            return this;
        }

        /** Required: the derived keys of this attempt. */
        public Builder keys(AttemptFactKeys value) {
            this.keys = value;
            return this;
        }

        /** The clock {@code now_millis} reads; default the host's. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Required: the source of {@code random_bytes}. */
        public Builder entropy(Entropy value) {
            this.entropy = value;
            return this;
        }

        /** Run before any call leaves the process; default none. */
        public Builder barrier(Runnable value) {
            this.barrier = Objects.requireNonNull(value, "barrier");
            return this;
        }

        /** Whether the run is cancelled; default never. */
        public Builder cancelled(BooleanSupplier value) {
            this.cancelled = Objects.requireNonNull(value, "cancelled");
            return this;
        }

        public LiveIo build() {
            return new LiveIo(this);
        }
    }
}
