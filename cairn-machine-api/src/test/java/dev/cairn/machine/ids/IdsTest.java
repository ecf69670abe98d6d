package dev.cairn.machine.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.cairn.json.CodedError;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.RunError;
import dev.cairn.machine.meta.Tag;
import dev.cairn.machine.plan.DependencyEdge;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdsTest {

    private static final String SEG63 = "a" + "b".repeat(62);
    private static final String SEG64 = "a" + "b".repeat(63);
    private static final String HEX64 = "0123456789abcdef".repeat(4);

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of(OpId.class, "a"),
                Arguments.of(OpId.class, "portfolio_snapshot"),
                Arguments.of(OpId.class, "x9_"),
                Arguments.of(OpId.class, "a_1_b_2"),
                Arguments.of(OpId.class, SEG63),
                Arguments.of(OpPath.class, "a.b"),
                Arguments.of(OpPath.class, "portfolio_snapshot.fetch_balances"),
                Arguments.of(OpPath.class, SEG63 + "." + SEG63),
                Arguments.of(StateId.class, "a.b.c"),
                Arguments.of(StateId.class, "machine.main.report"),
                Arguments.of(StateId.class, "m1.s_2.x3"),
                Arguments.of(StateId.class, SEG63 + "." + SEG63 + "." + SEG63),
                Arguments.of(ArtifactId.class, HEX64),
                Arguments.of(ArtifactId.class, "0".repeat(64)),
                Arguments.of(ArtifactId.class, "f".repeat(64)));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                // OpId: ^[a-z][a-z0-9_]{0,62}$
                Arguments.of(OpId.class, "op_id", ""),
                Arguments.of(OpId.class, "op_id", SEG64),
                Arguments.of(OpId.class, "op_id", "Portfolio"),
                Arguments.of(OpId.class, "op_id", "portfoliO"),
                Arguments.of(OpId.class, "op_id", "1abc"),
                Arguments.of(OpId.class, "op_id", "_abc"),
                Arguments.of(OpId.class, "op_id", "a-b"),
                Arguments.of(OpId.class, "op_id", "a.b"),
                Arguments.of(OpId.class, "op_id", "a b"),
                Arguments.of(OpId.class, "op_id", " a"),
                Arguments.of(OpId.class, "op_id", "a\n"),
                Arguments.of(OpId.class, "op_id", "é"),
                Arguments.of(OpId.class, "op_id", "aé"),
                Arguments.of(OpId.class, "op_id", "ａ"), // fullwidth a
                Arguments.of(OpId.class, "op_id", "a١"), // Arabic-Indic digit one
                Arguments.of(OpId.class, "op_id", "a\u0000"),
                // OpPath: <machine>.<step>
                Arguments.of(OpPath.class, "op_path", ""),
                Arguments.of(OpPath.class, "op_path", "a"),
                Arguments.of(OpPath.class, "op_path", "a.b.c"),
                Arguments.of(OpPath.class, "op_path", "a."),
                Arguments.of(OpPath.class, "op_path", ".b"),
                Arguments.of(OpPath.class, "op_path", "a..b"),
                Arguments.of(OpPath.class, "op_path", "A.b"),
                Arguments.of(OpPath.class, "op_path", "a.B"),
                Arguments.of(OpPath.class, "op_path", SEG64 + ".b"),
                Arguments.of(OpPath.class, "op_path", "a." + SEG64),
                // StateId: <machine>.<step>.<state>
                Arguments.of(StateId.class, "state_id", ""),
                Arguments.of(StateId.class, "state_id", "a.b"),
                Arguments.of(StateId.class, "state_id", "a.b.c.d"),
                Arguments.of(StateId.class, "state_id", "a..c"),
                Arguments.of(StateId.class, "state_id", ".a.b"),
                Arguments.of(StateId.class, "state_id", "a.b."),
                Arguments.of(StateId.class, "state_id", ".."),
                Arguments.of(StateId.class, "state_id", "a.b.C"),
                Arguments.of(StateId.class, "state_id", "a.b.1c"),
                Arguments.of(StateId.class, "state_id", "a.b.c "),
                Arguments.of(StateId.class, "state_id", "a/b/c"),
                Arguments.of(StateId.class, "state_id", "a.b.ç"),
                Arguments.of(StateId.class, "state_id", SEG64 + ".b.c"),
                Arguments.of(StateId.class, "state_id", "a." + SEG64 + ".c"),
                Arguments.of(StateId.class, "state_id", "a.b." + SEG64),
                // ArtifactId: 64 lowercase hex
                Arguments.of(ArtifactId.class, "artifact_id", ""),
                Arguments.of(ArtifactId.class, "artifact_id", HEX64.substring(1)),
                Arguments.of(ArtifactId.class, "artifact_id", HEX64 + "0"),
                Arguments.of(ArtifactId.class, "artifact_id", HEX64.toUpperCase()),
                Arguments.of(ArtifactId.class, "artifact_id", "g" + HEX64.substring(1)),
                Arguments.of(ArtifactId.class, "artifact_id", "0x" + HEX64.substring(2)),
                Arguments.of(ArtifactId.class, "artifact_id", " " + HEX64.substring(1)),
                Arguments.of(ArtifactId.class, "artifact_id", "٠".repeat(64)));
    }

    private static Object construct(Class<?> type, String value) {
        Function<String, Object> ctor =
                switch (type.getSimpleName()) {
                    case "OpId" -> OpId::new;
                    case "OpPath" -> OpPath::new;
                    case "StateId" -> StateId::new;
                    case "ArtifactId" -> ArtifactId::new;
                    default -> throw new IllegalArgumentException(type.toString());
                };
        return ctor.apply(value);
    }

    @ParameterizedTest(name = "{0} accepts \"{1}\"")
    @MethodSource("valid")
    void validIdsAreAcceptedAndAreTheirString(Class<?> type, String value) {
        Object id = construct(type, value);
        assertThat(id.toString()).isEqualTo(value);
        assertThat(Wire.write(id)).isEqualTo(Wire.write(TextNode.valueOf(value)));
        assertThat(Wire.read(Wire.write(TextNode.valueOf(value)), type)).isEqualTo(id);
    }

    @ParameterizedTest(name = "{0} refuses \"{2}\"")
    @MethodSource("invalid")
    void invalidIdsAreRefusedByTheConstructor(Class<?> type, String kind, String value) {
        assertThatThrownBy(() -> construct(type, value)).isInstanceOfSatisfying(IdValidationException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_id");
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.value()).isEqualTo(value);
            assertThat(e.error()).isEqualTo(new IdValidationError(kind, value));
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).isEqualTo("invalid " + kind + ": `" + value + "`");
            assertThat(e.hint()).startsWith("A valid " + kind + " is ");
        });
    }

    @ParameterizedTest(name = "{0} refuses \"{2}\" from JSON")
    @MethodSource("invalid")
    void invalidIdsAreRefusedWhileDeserializing(Class<?> type, String kind, String value) {
        String json = Wire.write(TextNode.valueOf(value));
        assertThatThrownBy(() -> Wire.read(json, type)).isInstanceOfSatisfying(JsonException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_id");
            assertThat(e.path()).isEmpty();
            IdValidationException cause = idCause(e);
            assertThat(cause.kind()).isEqualTo(kind);
            assertThat(cause.value()).isEqualTo(value);
        });
    }

    @Test
    void aRefusedIdInsideARecordIsReportedAtItsField() {
        String json = "{\"from\":\"a.b.c\",\"to\":\"a.b\"}";
        assertThatThrownBy(() -> Wire.read(json, DependencyEdge.class))
                .isInstanceOfSatisfying(JsonException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_id");
                    assertThat(e.path()).isEqualTo("/to");
                    assertThat(e.getMessage()).contains("invalid state_id: `a.b`");
                    assertThat(idCause(e).kind()).isEqualTo("state_id");
                });
    }

    @Test
    void nullIsRefusedWithTheKind() {
        assertThatThrownBy(() -> new OpId(null)).isInstanceOfSatisfying(IdValidationException.class, e -> {
            assertThat(e.kind()).isEqualTo("op_id");
            assertThat(e.value()).isEqualTo("<null>");
            assertThat(e.getMessage()).isEqualTo("invalid op_id: missing value");
        });
        assertThatThrownBy(() -> new RunId(null))
                .isInstanceOfSatisfying(
                        IdValidationException.class, e -> assertThat(e.kind()).isEqualTo("run_id"));
        assertThatThrownBy(() -> new FactKey(null))
                .isInstanceOfSatisfying(
                        IdValidationException.class, e -> assertThat(e.kind()).isEqualTo("fact_key"));
        assertThatThrownBy(() -> new ContextKey(null))
                .isInstanceOfSatisfying(
                        IdValidationException.class, e -> assertThat(e.kind()).isEqualTo("context_key"));
        assertThatThrownBy(() -> new ErrorCode(null))
                .isInstanceOfSatisfying(
                        IdValidationException.class, e -> assertThat(e.kind()).isEqualTo("error_code"));
        assertThatThrownBy(() -> new Tag(null))
                .isInstanceOfSatisfying(
                        IdValidationException.class, e -> assertThat(e.kind()).isEqualTo("tag"));
    }

    @Test
    void freeFormKeysAcceptAnyString() {
        for (String value : new String[] {"", "ns:key|with spaces", "Ünïcödé", "a.b.c.d"}) {
            assertThat(new FactKey(value).value()).isEqualTo(value);
            assertThat(new ContextKey(value).value()).isEqualTo(value);
            assertThat(new ErrorCode(value).value()).isEqualTo(value);
            assertThat(new Tag(value).value()).isEqualTo(value);
        }
    }

    @Test
    void hugeValuesAreTruncatedInTheError() {
        String huge = "X".repeat(10_000);
        assertThatThrownBy(() -> new OpId(huge)).isInstanceOfSatisfying(IdValidationException.class, e -> {
            assertThat(e.value())
                    .startsWith("X".repeat(IdValidationException.MAX_VALUE_CHARS))
                    .endsWith("…(10000 chars)")
                    .hasSize(IdValidationException.MAX_VALUE_CHARS + "…(10000 chars)".length());
            assertThat(e.getMessage()).hasSizeLessThan(200);
        });
        // A surrogate pair straddling the cut is dropped whole, never split.
        String emoji = "a".repeat(IdValidationException.MAX_VALUE_CHARS - 1) + "\uD83D\uDE00" + "tail";
        assertThatThrownBy(() -> new OpId(emoji)).isInstanceOfSatisfying(IdValidationException.class, e -> {
            String shown = e.value();
            assertThat(shown).startsWith("a".repeat(IdValidationException.MAX_VALUE_CHARS - 1) + "…(");
        });
    }

    @Test
    void theErrorIsAStructuredMachineException() {
        IdValidationException e = IdValidationException.of("op_id", "Bad", "something");
        assertThat(e).isInstanceOf(CodedError.class);
        assertThat(e.info().code().value()).isEqualTo("invalid_id");
        assertThat(e.info().category()).isEqualTo(ErrorCategory.PARSING_INPUT);
        assertThat(e.info().details())
                .contains(dev.cairn.machine.Fixtures.json("{\"kind\":\"op_id\",\"value\":\"Bad\"}"));
        assertThat(e.toRunError()).isEqualTo(new RunError.Other(e.info()));
    }

    @Test
    void stateIdAndOpPathExposeTheirSegments() {
        StateId id = StateId.of("portfolio_snapshot.fetch_balances.read_eth");
        assertThat(id.machine()).isEqualTo("portfolio_snapshot");
        assertThat(id.step()).isEqualTo("fetch_balances");
        assertThat(id.local()).isEqualTo("read_eth");
        assertThat(id.opPath()).isEqualTo(OpPath.of("portfolio_snapshot.fetch_balances"));
        assertThat(StateId.of(id.opPath(), "read_eth")).isEqualTo(id);
        OpPath path = OpPath.of("machine", "main");
        assertThat(path.machine()).isEqualTo("machine");
        assertThat(path.step()).isEqualTo("main");
        assertThatThrownBy(() -> StateId.of(path, "Bad")).isInstanceOf(IdValidationException.class);
        assertThatThrownBy(() -> OpPath.of("a.b", "c"))
                .isInstanceOfSatisfying(
                        IdValidationException.class, e -> assertThat(e.kind()).isEqualTo("op_path"));
    }

    @Test
    void idsOrderByTheirString() {
        assertThat(StateId.of("m.a.b")).isLessThan(StateId.of("m.a.c"));
        assertThat(OpId.of("a")).isLessThan(OpId.of("b"));
        assertThat(new ArtifactId("0".repeat(64))).isLessThan(new ArtifactId("1".repeat(64)));
    }

    @Test
    void runIdsParseHyphenatedUuidsOnly() {
        UUID uuid = UUID.fromString("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30");
        assertThat(RunId.parse("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30")).isEqualTo(new RunId(uuid));
        assertThat(RunId.parse("0B0C5E33-3F0A-4C1E-9A8A-0C4D6A1E2F30").toString())
                .isEqualTo("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30");
        for (String bad : new String[] {
            "", "nope", "0b0c5e333f0a4c1e9a8a0c4d6a1e2f30", "1-1-1-1-1", "0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f3g"
        }) {
            assertThatThrownBy(() -> RunId.parse(bad)).isInstanceOfSatisfying(IdValidationException.class, e -> {
                assertThat(e.kind()).isEqualTo("run_id");
                assertThat(e.value()).isEqualTo(bad);
            });
        }
        assertThatThrownBy(() -> Wire.read("\"nope\"", RunId.class))
                .isInstanceOfSatisfying(
                        JsonException.class, e -> assertThat(e.code()).isEqualTo("wire_format"));
    }

    private static IdValidationException idCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IdValidationException id) {
                return id;
            }
        }
        throw new AssertionError("no IdValidationException in the cause chain of " + e);
    }
}
