package dev.cairn.cell.api;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WireEnum;

/**
 * The seed's {@code CellosError}: what went wrong at a cell port, as a value that can be recorded.
 * {@link CellException} carries one.
 *
 * <p>Wire form: a serde enum, externally tagged: {@code {"SecretBroker":"…"}}, {@code
 * {"ArgvTooLarge":{"encoded_bytes":4000,"limit_bytes":3072}}}. (The Rust type is not serialized;
 * Cairn gives it serde's default form so failures can be persisted in events.)
 */
@WireEnum
public sealed interface CellosError {

    /** The execution-cell document is invalid. */
    @Transparent
    record InvalidSpec(String value) implements CellosError {
        public InvalidSpec {
            Checks.required(value, "value");
        }
    }

    /**
     * {@code spec.run.argv}, base64-encoded as a JSON array, exceeds the budget a microVM kernel
     * command line allows ({@code limitBytes}, 3072 in the reference).
     */
    record ArgvTooLarge(long encodedBytes, long limitBytes) implements CellosError {}

    /** The host backend failed (create, destroy, in-VM execution). */
    @Transparent
    record Host(String value) implements CellosError {
        public Host {
            Checks.required(value, "value");
        }
    }

    /** An event sink failed to emit. */
    @Transparent
    record EventSink(String value) implements CellosError {
        public EventSink {
            Checks.required(value, "value");
        }
    }

    /** A secret broker failed to resolve, lease or revoke. */
    @Transparent
    record SecretBroker(String value) implements CellosError {
        public SecretBroker {
            Checks.required(value, "value");
        }
    }

    /** An export sink failed (or none is configured). */
    @Transparent
    record ExportSink(String value) implements CellosError {
        public ExportSink {
            Checks.required(value, "value");
        }
    }

    /** A cell lifecycle step happened out of order. */
    @Transparent
    record Lifecycle(String value) implements CellosError {
        public Lifecycle {
            Checks.required(value, "value");
        }
    }

    /** An inference broker failed. */
    @Transparent
    record InferenceBroker(String value) implements CellosError {
        public InferenceBroker {
            Checks.required(value, "value");
        }
    }

    /** Stable snake_case code of the variant, e.g. {@code secret_broker}. */
    default String code() {
        return switch (this) {
            case InvalidSpec e -> "invalid_spec";
            case ArgvTooLarge e -> "argv_too_large";
            case Host e -> "host";
            case EventSink e -> "event_sink";
            case SecretBroker e -> "secret_broker";
            case ExportSink e -> "export_sink";
            case Lifecycle e -> "lifecycle";
            case InferenceBroker e -> "inference_broker";
        };
    }

    /**
     * The error's text, as the Rust {@code Display}: {@code invalid cell specification: …}, {@code
     * host backend: …}, {@code spec.run.argv encoded as base64 is N bytes; exceeds M-byte kernel
     * cmdline limit}; the other variants are prefixed with their name in words ({@code secret broker:
     * …}).
     */
    default String text() {
        return switch (this) {
            case InvalidSpec e -> "invalid cell specification: " + e.value();
            case ArgvTooLarge e ->
                "spec.run.argv encoded as base64 is " + e.encodedBytes() + " bytes; exceeds " + e.limitBytes()
                        + "-byte kernel cmdline limit";
            case Host e -> "host backend: " + e.value();
            case EventSink e -> "event sink: " + e.value();
            case SecretBroker e -> "secret broker: " + e.value();
            case ExportSink e -> "export sink: " + e.value();
            case Lifecycle e -> "lifecycle: " + e.value();
            case InferenceBroker e -> "inference broker: " + e.value();
        };
    }

    /** What an operator can usually do about this kind of failure. */
    default String defaultHint() {
        return switch (this) {
            case InvalidSpec e -> "Fix the execution-cell document and submit it again.";
            case ArgvTooLarge e -> "Shorten spec.run.argv, or pass large arguments through an input file.";
            case Host e -> "Check the host backend's logs and that its isolation primitives are available.";
            case EventSink e -> "Check that the event transport is reachable; events are retried from the log.";
            case SecretBroker e -> "Check the secret broker's configuration and that the secret exists.";
            case ExportSink e -> "Configure an export sink for the artifact's target, or drop the export.";
            case Lifecycle e -> "Follow the cell lifecycle: create, run, destroy, then revoke.";
            case InferenceBroker e -> "Check the inference broker, or run without inference.";
        };
    }
}
