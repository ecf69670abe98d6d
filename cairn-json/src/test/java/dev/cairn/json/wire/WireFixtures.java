package dev.cairn.json.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Small wire types that exercise every serde shape the contracts use. */
final class WireFixtures {

    private WireFixtures() {}

    /** A validated id, as seed 001's OpId: {@code try_from = "String"}. */
    @Transparent
    record Name(String value) {
        Name {
            if (value == null || !value.matches("[a-z][a-z0-9_]{0,62}")) {
                throw new BadName(value);
            }
        }
    }

    static final class BadName extends RuntimeException implements dev.cairn.json.CodedError {
        BadName(String value) {
            super("invalid name: " + value);
        }

        @Override
        public String code() {
            return "invalid_id";
        }

        @Override
        public boolean retryable() {
            return false;
        }

        @Override
        public String hint() {
            return "Use lowercase letters, digits and underscores.";
        }
    }

    @Transparent
    record RunRef(UUID value) {}

    enum Mode {
        LIVE,
        REPLAY,
        READ_ONLY_IO
    }

    @WireEnum(variants = VariantCase.SNAKE_CASE)
    enum Status {
        QUEUED,
        @WireName("in-flight")
        RUNNING
    }

    /** Unit, newtype and struct variants in one family, as seed 001's EventProfile / ExecutionMode. */
    @WireEnum
    sealed interface Profile {
        record Minimal() implements Profile {}

        @Transparent
        record Custom(String value) implements Profile {}

        record FanOutJoin(int maxConcurrency) implements Profile {}
    }

    /** Internally tagged, as seed 002's CacheDecision. */
    @WireEnum(tag = "kind", variants = VariantCase.SNAKE_CASE)
    sealed interface Decision {
        record Hit(Name tag) implements Decision {}

        record MissBuildAs(Name tag) implements Decision {}

        record MissNoCommit() implements Decision {}
    }

    /** Newtype variants wrapping structs and other enums, as seed 001's RunError::Storage(StorageError). */
    @WireEnum
    sealed interface Outer {
        @Transparent
        record Inner(Profile value) implements Outer {}

        @Transparent
        record Info(Detail value) implements Outer {}
    }

    record Detail(String code, boolean retryable, Optional<JsonNode> details) {
        Detail {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(details, "details");
        }
    }

    record Config(
            Mode ioMode,
            Profile profile,
            Duration delay,
            Optional<String> gitCommit,
            @WireDefault List<String> allowlist,
            Map<String, String> env,
            long seq,
            Instant at) {
        Config {
            allowlist = allowlist == null ? List.of("github:willyrgf/mfm") : List.copyOf(allowlist);
        }
    }

    @DenyUnknownFields
    record Strict(Name name, Decision cacheLookup, @WireDefault Optional<Name> parent) {
        Strict {
            parent = parent == null ? Optional.empty() : parent;
        }
    }

    record Holder(List<Outer> items, Status status, RunRef run) {}
}
