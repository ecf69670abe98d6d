package dev.cairn.executor.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The executor-program conversation: framing, sizes and the records' own rules. */
class ProtocolTest {

    /** Writes messages as the protocol frames them: one JSON document and a newline each. */
    private static byte[] frame(List<?> messages) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object message : messages) {
            byte[] line = Wire.writeBytes(message);
            assertThat(line).doesNotContain((byte) '\n');
            assertThat(line.length).isLessThanOrEqualTo(ExecutorProtocol.MAX_LINE_BYTES);
            out.write(line);
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static <T> List<T> unframe(byte[] bytes, Class<T> type) throws IOException {
        List<T> messages = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                messages.add(Wire.read(line, type));
            }
        }
        return messages;
    }

    @Test
    void aWholeConversationSurvivesLineFraming() throws IOException {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        byte[] chunk = new byte[(int) ArchiveReadRequest.MAX_READ_BYTES];
        random.nextBytes(chunk);
        // Script sources and messages with newlines must still be one line each.
        CommandStep step = CommandStep.script("set -e\nmake\nmake test\n").build();
        ExecutorInput input = new ExecutorInput(
                step,
                Values.ARCHIVE,
                Values.INPUT.env(),
                ".",
                Values.RUN,
                Values.STEP,
                new CacheDecision.MissNoCommit(),
                Optional.empty());
        List<HostMessage> host = List.of(
                new HostMessage.Execute(input),
                new HostMessage.ArchiveData(0, new ArchiveReadResponse(chunk, false)),
                new HostMessage.ArchiveData(1, new ArchiveReadResponse(Arrays.copyOf(chunk, 17), true)),
                new HostMessage.ArchiveError(2, "unknown_archive", "no such archive\n(second line)"),
                new HostMessage.Cancel());
        List<PluginMessage> plugin = List.of(
                new PluginMessage.ArchiveRead(0, new ArchiveReadRequest(Values.ARCHIVE, 0, chunk.length)),
                new PluginMessage.ArchiveRead(1, new ArchiveReadRequest(Values.ARCHIVE, chunk.length, 65_536)),
                new PluginMessage.Failed("cancelled", "cancelled by the host", false));
        assertThat(unframe(frame(host), HostMessage.class)).isEqualTo(host);
        assertThat(unframe(frame(plugin), PluginMessage.class)).isEqualTo(plugin);
    }

    @Test
    void theLargestReadFitsInALine() {
        byte[] full = new byte[(int) ArchiveReadRequest.MAX_READ_BYTES];
        Arrays.fill(full, (byte) 0xff);
        byte[] line =
                Wire.writeBytes(new HostMessage.ArchiveData(Long.MAX_VALUE, new ArchiveReadResponse(full, false)));
        assertThat(line.length).isBetween(full.length * 4 / 3, ExecutorProtocol.MAX_LINE_BYTES);
        assertThatThrownBy(() -> new ArchiveReadResponse(new byte[full.length + 1], false))
                .isInstanceOf(ExecutorProtocolException.class)
                .hasMessageContaining("more than 1048576");
    }

    @Test
    void archiveResponsesCompareByContentAndDoNotLeakTheirArray() {
        byte[] bytes = "abc".getBytes(StandardCharsets.UTF_8);
        ArchiveReadResponse response = new ArchiveReadResponse(bytes, true);
        bytes[0] = 'x';
        assertThat(response.bytes()).containsExactly('a', 'b', 'c');
        response.bytes()[1] = 'x';
        assertThat(response).isEqualTo(new ArchiveReadResponse("abc".getBytes(StandardCharsets.UTF_8), true));
        assertThat(response).hasSameHashCodeAs(new ArchiveReadResponse("abc".getBytes(StandardCharsets.UTF_8), true));
        assertThat(response).isNotEqualTo(new ArchiveReadResponse("abc".getBytes(StandardCharsets.UTF_8), false));
        assertThat(response.toString()).isEqualTo("ArchiveReadResponse[bytes=3 bytes (YWJj), eof=true]");
        assertThat(response.length()).isEqualTo(3);
        assertThatThrownBy(() -> new ArchiveReadResponse(new byte[0], false))
                .hasMessageContaining("empty before the end");
    }

    @Test
    void readsAreBounded() {
        assertThat(new ArchiveReadRequest(Values.ARCHIVE, Long.MAX_VALUE, 1).offset())
                .isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> new ArchiveReadRequest(Values.ARCHIVE, 0, 0))
                .isInstanceOf(ExecutorProtocolException.class)
                .hasMessage("max must be in 1..1048576, got 0");
        assertThatThrownBy(() -> new ArchiveReadRequest(Values.ARCHIVE, -5, 1))
                .hasMessage("offset must not be negative, got -5");
    }

    @Test
    void versionsAndCodesAreChecked() {
        assertThat(new HostMessage.Execute(Values.INPUT).protocolVersion())
                .isEqualTo(ExecutorProtocol.PROTOCOL_VERSION);
        assertThatThrownBy(() -> new HostMessage.Execute(0, Values.INPUT))
                .hasMessage("protocol_version must be at least 1, got 0");
        assertThatThrownBy(() -> new PluginMessage.Failed("Bad Code", "x", false))
                .hasMessage("code must be a snake_case code, got `Bad Code`");
        ExecutorProtocolException unsupported = ExecutorProtocolException.unsupportedProtocolVersion(2);
        assertThat(unsupported.code()).isEqualTo("unsupported_protocol_version");
        assertThat(unsupported.getMessage())
                .isEqualTo("executor protocol version 2 is not supported (this side speaks 1)");
    }

    @Test
    void theSeedsRecordsKeepTheirRules() {
        assertThat(new StepResult(0, Optional.empty(), List.of()).succeeded()).isTrue();
        assertThat(Values.FAILED.succeeded()).isFalse();
        assertThatThrownBy(() -> new ArtifactRef("k", "text/plain", -1))
                .hasMessage("size_bytes must not be negative, got -1");
        assertThatThrownBy(() -> new ArtifactRef("a\tb", "text/plain", 1))
                .hasMessage("key must be 1 to 1024 characters without control characters, got `a?b`");
        assertThatThrownBy(() -> new SnapshotRef("x".repeat(SnapshotRef.MAX_LENGTH + 1)))
                .isInstanceOf(ExecutorProtocolException.class);
        assertThat(new ArtifactRef("k", "application/vnd.cairn+json; version=1", 0).mime())
                .isEqualTo("application/vnd.cairn+json; version=1");
        assertThat(new ArchiveId(Values.RUN).toString()).isEqualTo(Values.RUN.toString());
    }

    @Test
    void executorInputIsStrictAndItsParentSnapshotOptional() {
        String json = Wire.write(Values.INPUT);
        assertThat(json).contains("\"parent_snapshot\":null");
        ExecutorInput without = Wire.read(json.replace(",\"parent_snapshot\":null", ""), ExecutorInput.class);
        assertThat(without).isEqualTo(Values.INPUT);
        assertThatThrownBy(
                        () -> Wire.read(json.replace("\"run_id\"", "\"runId\":\"x\",\"run_id\""), ExecutorInput.class))
                .isInstanceOf(JsonException.class)
                .extracting(e -> ((JsonException) e).code())
                .isEqualTo("unknown_field");
        assertThatThrownBy(() -> new ExecutorInput(
                        Values.STEP_ARGV,
                        Values.ARCHIVE,
                        Values.INPUT.env(),
                        "../outside",
                        Values.RUN,
                        Values.STEP,
                        new CacheDecision.MissNoCommit(),
                        Optional.empty()))
                .isInstanceOf(ExecutorProtocolException.class)
                .hasMessage("workdir `../outside` leaves the workspace through `..`");
    }
}
