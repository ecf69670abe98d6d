package dev.cairn.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireDefault;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.json.wire.WireFormat;
import dev.cairn.json.wire.WireName;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.json.wire.WireRange;
import dev.cairn.json.wire.WireSize;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;

/** Wire types that exercise every rule of the generator. */
final class Fixtures {

    private Fixtures() {}

    @Transparent
    record Tag(@WireSize(min = 1) @WirePattern("^[a-z]+$") String value) {
        Tag {
            if (value == null || !value.matches("[a-z]+")) {
                throw new IllegalArgumentException("bad tag: " + value);
            }
        }
    }

    @Transparent
    record RunRef(UUID value) {}

    enum Mode {
        LIVE,
        READ_ONLY_IO
    }

    @WireEnum(variants = VariantCase.SNAKE_CASE)
    enum Status {
        QUEUED,
        @WireName("in-flight")
        RUNNING
    }

    /** Externally tagged: unit, newtype and struct variants. */
    @WireEnum
    sealed interface Profile {
        record Minimal() implements Profile {}

        @Transparent
        record Custom(@WireSize(min = 1) List<String> value) implements Profile {}

        @DenyUnknownFields
        record FanOutJoin(@WireRange(min = 1) int maxConcurrency) implements Profile {}
    }

    /** Internally tagged, as seed 002's CacheDecision. */
    @WireEnum(tag = "kind", variants = VariantCase.SNAKE_CASE)
    sealed interface Decision {
        record Hit(Tag tag) implements Decision {}

        record MissBuildAs(Tag tag) implements Decision {}

        record MissNoCommit() implements Decision {}
    }

    /** Everything at once, serde style. */
    @DenyUnknownFields
    record Everything(
            Mode ioMode,
            Status status,
            Profile profile,
            Decision decision,
            Duration delay,
            RunRef run,
            Optional<Tag> parent,
            Optional<String> gitCommit,
            @WireDefault List<String> allowlist,
            @WirePattern("^[A-Z_]+$") SortedMap<String, String> env,
            @WireRange(min = 0) long seq,
            Instant at,
            JsonNode anything,
            byte[] payload) {
        Everything {
            allowlist = allowlist == null ? List.of("default") : List.copyOf(allowlist);
        }
    }

    /** URIs: any reference by default, an absolute URI when the component says so. */
    record Link(URI href, @WireFormat("uri") Optional<URI> absolute) {}

    /** Unknown fields are ignored: no additionalProperties. */
    record Lenient(String name) {}

    /** TypeScript style: camelCase, empty optionals left out. */
    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record CamelCase(
            @WireSize(min = 1) String runId,
            @WireFormat("uri") Optional<String> homepage,
            @WireRange(min = 1) Optional<Integer> maxRetries,
            Optional<ObjectNode> details,
            Map<String, Integer> counts) {}

    /** A TypeScript {@code string | {name, input?}} union: read from both, written as the object. */
    @JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record NameOrConfig(String name, Optional<ObjectNode> input) {
        @com.fasterxml.jackson.annotation.JsonCreator(
                mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
        static NameOrConfig named(String name) {
            return new NameOrConfig(name, Optional.empty());
        }
    }

    record Unsupported(Thread thread) {}

    record Misplaced(@WirePattern("^x$") int number) {}

    record MisplacedOnReference(@WireSize(min = 1) RunRef run) {}

    record Recursive(String name, List<Recursive> children) {}

    sealed interface NotAnnotated {
        record Only() implements NotAnnotated {}
    }

    record UsesUnannotatedFamily(NotAnnotated value) {}

    record IntMap(Map<Integer, String> map) {}
}
