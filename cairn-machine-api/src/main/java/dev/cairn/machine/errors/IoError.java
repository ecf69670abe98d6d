package dev.cairn.machine.errors;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.machine.ids.FactKey;
import java.util.Objects;

/**
 * Seed {@code errors::IoError}: failure of live or replayed IO. Wire form: {@code
 * {"MissingFactKey":{…info…}}}, {@code {"MissingFact":{"key":"k","info":{…}}}}, {@code
 * {"Transport":{…}}}, {@code {"RateLimited":{…}}}, {@code {"Other":{…}}}. Thrown as {@link
 * IoException}.
 */
@WireEnum
public sealed interface IoError {

    /** The structured payload of every variant. */
    ErrorInfo info();

    /**
     * Replay was asked for deterministic IO without a fact key (code {@value
     * ErrorCodes#CODE_MISSING_FACT_KEY}).
     */
    @Transparent
    record MissingFactKey(ErrorInfo info) implements IoError {
        public MissingFactKey {
            Objects.requireNonNull(info, "info");
        }
    }

    /**
     * A requested recorded fact was not found.
     *
     * @param key the missing fact key
     * @param info details of the failed lookup
     */
    record MissingFact(FactKey key, ErrorInfo info) implements IoError {
        public MissingFact {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(info, "info");
        }
    }

    /** The underlying transport failed. */
    @Transparent
    record Transport(ErrorInfo info) implements IoError {
        public Transport {
            Objects.requireNonNull(info, "info");
        }
    }

    /** The underlying transport reported a rate limit. */
    @Transparent
    record RateLimited(ErrorInfo info) implements IoError {
        public RateLimited {
            Objects.requireNonNull(info, "info");
        }
    }

    /** Any other IO failure. */
    @Transparent
    record Other(ErrorInfo info) implements IoError {
        public Other {
            Objects.requireNonNull(info, "info");
        }
    }
}
