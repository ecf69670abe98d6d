package dev.cairn.json.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.WireFixtures.Config;
import dev.cairn.json.wire.WireFixtures.Decision;
import dev.cairn.json.wire.WireFixtures.Detail;
import dev.cairn.json.wire.WireFixtures.Holder;
import dev.cairn.json.wire.WireFixtures.Mode;
import dev.cairn.json.wire.WireFixtures.Name;
import dev.cairn.json.wire.WireFixtures.Outer;
import dev.cairn.json.wire.WireFixtures.Profile;
import dev.cairn.json.wire.WireFixtures.RunRef;
import dev.cairn.json.wire.WireFixtures.Status;
import dev.cairn.json.wire.WireFixtures.Strict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WireTest {

    private static JsonNode tree(String json) {
        try {
            return Wire.mapper().readTree(json);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Writes {@code value}, compares with {@code expected} as trees, reads it back as {@code type}. */
    private static <T> void roundTrip(T value, Class<? super T> type, String expected) {
        assertThat(tree(Wire.write(value))).isEqualTo(tree(expected));
        assertThat(Wire.read(expected, type)).isEqualTo(value);
    }

    @Test
    void transparentRecordsAreTheirValue() {
        roundTrip(new Name("build"), Name.class, "\"build\"");
        UUID id = UUID.fromString("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30");
        roundTrip(new RunRef(id), RunRef.class, "\"" + id + "\"");
    }

    @Test
    void transparentRecordsValidateWhileReading() {
        assertThatThrownBy(() -> Wire.read("\"Not-Valid\"", Name.class))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("invalid name: Not-Valid")
                .extracting(e -> ((JsonException) e).code())
                .isEqualTo("invalid_id");
    }

    @Test
    void enumsArePascalCaseByDefaultAndRenamable() {
        roundTrip(Mode.LIVE, Mode.class, "\"Live\"");
        roundTrip(Mode.READ_ONLY_IO, Mode.class, "\"ReadOnlyIo\"");
        roundTrip(Status.QUEUED, Status.class, "\"queued\"");
        roundTrip(Status.RUNNING, Status.class, "\"in-flight\"");
        assertThatThrownBy(() -> Wire.read("\"LIVE\"", Mode.class))
                .hasMessageContaining("unknown variant `LIVE`, expected one of `Live`, `Replay`, `ReadOnlyIo`");
    }

    @Test
    void externallyTaggedVariantsFollowSerde() {
        roundTrip(new Profile.Minimal(), Profile.class, "\"Minimal\"");
        roundTrip(new Profile.Custom("audit"), Profile.class, "{\"Custom\":\"audit\"}");
        roundTrip(new Profile.FanOutJoin(4), Profile.class, "{\"FanOutJoin\":{\"max_concurrency\":4}}");
        roundTrip(new Outer.Inner(new Profile.Custom("x")), Outer.class, "{\"Inner\":{\"Custom\":\"x\"}}");
        roundTrip(
                new Outer.Info(new Detail("c", true, Optional.empty())),
                Outer.class,
                "{\"Info\":{\"code\":\"c\",\"retryable\":true,\"details\":null}}");
    }

    @Test
    void aVariantReadAsItsOwnClassKeepsItsFraming() {
        assertThat(Wire.read("{\"FanOutJoin\":{\"max_concurrency\":2}}", Profile.FanOutJoin.class))
                .isEqualTo(new Profile.FanOutJoin(2));
        assertThatThrownBy(() -> Wire.read("\"Minimal\"", Profile.FanOutJoin.class))
                .hasMessageContaining("expected variant `FanOutJoin`");
    }

    @Test
    void internallyTaggedVariantsFollowSerde() {
        roundTrip(new Decision.Hit(new Name("abc")), Decision.class, "{\"kind\":\"hit\",\"tag\":\"abc\"}");
        roundTrip(
                new Decision.MissBuildAs(new Name("abc")),
                Decision.class,
                "{\"kind\":\"miss_build_as\",\"tag\":\"abc\"}");
        roundTrip(new Decision.MissNoCommit(), Decision.class, "{\"kind\":\"miss_no_commit\"}");
        assertThatThrownBy(() -> Wire.read("{\"tag\":\"abc\"}", Decision.class))
                .hasMessageContaining("missing field `kind`");
        assertThatThrownBy(() -> Wire.read("{\"kind\":\"miss\"}", Decision.class))
                .hasMessageContaining("unknown variant `miss`");
    }

    @Test
    void badVariantFramesAreRefused() {
        assertThatThrownBy(() -> Wire.read("\"Custom\"", Profile.class)).hasMessageContaining("carries data");
        assertThatThrownBy(() -> Wire.read("{\"Custom\":\"a\",\"Minimal\":null}", Profile.class))
                .hasMessageContaining("exactly one key");
        assertThatThrownBy(() -> Wire.read("{}", Profile.class)).hasMessageContaining("exactly one key");
        assertThatThrownBy(() -> Wire.read("7", Profile.class)).isInstanceOf(JsonException.class);
    }

    private static final String CONFIG =
            """
            {"io_mode":"Replay","profile":"Minimal","delay":{"secs":2,"nanos":500},
             "git_commit":null,"allowlist":["a"],"env":{"B":"2","A":"1"},"seq":9,
             "at":"2026-11-23T06:00:00Z"}""";

    @Test
    void structsAreSnakeCaseWithSerdeDefaults() {
        Config config = new Config(
                Mode.REPLAY,
                new Profile.Minimal(),
                Duration.ofSeconds(2, 500),
                Optional.empty(),
                List.of("a"),
                Map.of("A", "1", "B", "2"),
                9,
                Instant.parse("2026-11-23T06:00:00Z"));
        roundTrip(config, Config.class, CONFIG);
        assertThat(Wire.write(config)).contains("\"env\":{\"A\":\"1\",\"B\":\"2\"}");
    }

    @Test
    void optionalAndDefaultFieldsMayBeAbsent() {
        String json = CONFIG.replace("\"git_commit\":null,\"allowlist\":[\"a\"],", "");
        Config config = Wire.read(json, Config.class);
        assertThat(config.gitCommit()).isEmpty();
        assertThat(config.allowlist()).containsExactly("github:willyrgf/mfm");
    }

    @Test
    void requiredFieldsMustBePresent() {
        assertThatThrownBy(() -> Wire.read(CONFIG.replace("\"seq\":9,", ""), Config.class))
                .isInstanceOf(JsonException.class)
                .hasMessage("missing field `seq`")
                .extracting(e -> ((JsonException) e).code(), e -> ((JsonException) e).path())
                .containsExactly("missing_field", "/seq");
        String nested = "{\"items\":[{\"Info\":{\"retryable\":true}}],\"status\":\"queued\","
                + "\"run\":\"0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30\"}";
        assertThatThrownBy(() -> Wire.read(nested, Holder.class))
                .hasMessage("missing field `code` at /items/0/Info")
                .extracting(e -> ((JsonException) e).path())
                .isEqualTo("/items/0/Info/code");
        assertThatThrownBy(() -> Wire.read("{\"retryable\":true}", Detail.class))
                .hasMessageContaining("missing field `code`");
    }

    @Test
    void unknownFieldsAreIgnoredUnlessDenied() {
        assertThat(Wire.read(CONFIG.replace("\"seq\":9", "\"seq\":9,\"extra\":{\"x\":[1]}"), Config.class)
                        .seq())
                .isEqualTo(9);
        String strict = "{\"name\":\"a\",\"cache_lookup\":{\"kind\":\"miss_no_commit\"},\"surprise\":1}";
        assertThatThrownBy(() -> Wire.read(strict, Strict.class))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("unknown field `surprise`")
                .extracting(e -> ((JsonException) e).code())
                .isEqualTo("unknown_field");
        assertThat(Wire.read(strict.replace(",\"surprise\":1", ""), Strict.class)
                        .parent())
                .isEmpty();
    }

    @Test
    void scalarsAreNotCoerced() {
        assertThatThrownBy(() -> Wire.read(CONFIG.replace("\"seq\":9", "\"seq\":\"9\""), Config.class))
                .isInstanceOf(JsonException.class)
                .extracting(e -> ((JsonException) e).path())
                .isEqualTo("/seq");
        assertThatThrownBy(() -> Wire.read(CONFIG.replace("\"seq\":9", "\"seq\":9.5"), Config.class))
                .isInstanceOf(JsonException.class);
        assertThatThrownBy(() -> Wire.read("{\"code\":5,\"retryable\":true}", Detail.class))
                .isInstanceOf(JsonException.class);
    }

    @Test
    void durationsAreSecsAndNanos() {
        assertThatThrownBy(() -> Wire.read(CONFIG.replace("\"nanos\":500", "\"nanos\":1000000000"), Config.class))
                .hasMessageContaining("duration out of range");
        assertThatThrownBy(() -> Wire.read(CONFIG.replace(",\"nanos\":500", ""), Config.class))
                .hasMessageContaining("missing field `nanos`");
        assertThatThrownBy(() -> Wire.write(new Config(
                        Mode.LIVE,
                        new Profile.Minimal(),
                        Duration.ofSeconds(-1),
                        Optional.empty(),
                        List.of(),
                        Map.of(),
                        0,
                        Instant.EPOCH)))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("negative duration");
    }

    @Test
    void errorsCarryAPointerToTheValue() {
        String json = "{\"items\":[{\"Inner\":\"Minimal\"},{\"Inner\":{\"Nope\":1}}],\"status\":\"queued\","
                + "\"run\":\"0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30\"}";
        assertThatThrownBy(() -> Wire.read(json, Holder.class))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("unknown variant `Nope`")
                .extracting(e -> ((JsonException) e).path())
                .isEqualTo("/items/1/Inner");
        String badName = "{\"name\":\"a\",\"cache_lookup\":{\"kind\":\"hit\",\"tag\":\"Bad-Name\"}}";
        assertThatThrownBy(() -> Wire.read(badName, Strict.class))
                .extracting(e -> ((JsonException) e).code(), e -> ((JsonException) e).path())
                .containsExactly("invalid_id", "/cache_lookup/tag");
        assertThatThrownBy(() -> Wire.read("{\"FanOutJoin\":{\"max_concurrency\":\"4\"}}", Profile.class))
                .extracting(e -> ((JsonException) e).path())
                .isEqualTo("/FanOutJoin/max_concurrency");
    }

    @Test
    void pointersIntoVariantsNameTheVariantKey() {
        assertThatThrownBy(() -> Wire.read("{\"FanOutJoin\":{\"max_concurrency\":\"4\"}}", Profile.class))
                .extracting(e -> ((JsonException) e).path())
                .isEqualTo("/FanOutJoin/max_concurrency");
        assertThatThrownBy(() -> Wire.read("{\"FanOutJoin\":{}}", Profile.class))
                .extracting(e -> ((JsonException) e).path())
                .isEqualTo("/FanOutJoin/max_concurrency");
        assertThatThrownBy(() -> Wire.read("{\"Info\":{\"code\":\"c\",\"retryable\":1}}", Outer.class))
                .extracting(e -> ((JsonException) e).path())
                .isEqualTo("/Info/retryable");
    }

    @Test
    void malformedDocumentsAreTypedErrors() {
        assertThatThrownBy(() -> Wire.read("{\"a\":1,\"a\":2}", JsonNode.class))
                .extracting(e -> ((JsonException) e).code())
                .isEqualTo("duplicate_key");
        assertThatThrownBy(() -> Wire.read("[01]", JsonNode.class))
                .extracting(e -> ((JsonException) e).code())
                .isEqualTo("invalid_json");
        assertThatThrownBy(() -> Wire.read("{} {}", JsonNode.class)).isInstanceOf(JsonException.class);
        String deep = "[".repeat(Wire.MAX_DEPTH + 1) + "]".repeat(Wire.MAX_DEPTH + 1);
        assertThatThrownBy(() -> Wire.read(deep, JsonNode.class))
                .extracting(e -> ((JsonException) e).code())
                .isEqualTo("too_deep");
    }
}
