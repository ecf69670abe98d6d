package dev.cairn.contracts.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cairn.contracts.ContractException;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.TaskOutcome;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The limits of inline outputs, which the JSON Schema cannot state in bytes. */
class InlineOutputTest {

    private static InlineOutput of(byte[] bytes) {
        return new InlineOutput(ArtifactIds.ofBytes(bytes), bytes);
    }

    private static final Completion CANCELLED = new Completion(
            new LeaseRef(UUID.fromString("0b0c5e33-3f0a-4c1e-9a8a-0c4d6a1e2f30"), 1), new TaskOutcome.Cancelled());

    @Test
    void anOutputOfAtMost64KiBTravelsInline() {
        assertThat(of(new byte[InlineOutput.MAX_BYTES]).content()).hasSize(InlineOutput.MAX_BYTES);
        Throwable tooBig = catchThrowable(() -> of(new byte[InlineOutput.MAX_BYTES + 1]));
        assertThat(tooBig).isInstanceOfSatisfying(ContractException.class, e -> {
            assertThat(e.code()).isEqualTo("invalid_field");
            assertThat(e.getMessage()).contains("65537 bytes").contains("POST /v1/artifacts");
        });
    }

    @Test
    void aRequestCarriesAtMost4MiB() {
        List<InlineOutput> sixtyFour = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] bytes = new byte[InlineOutput.MAX_BYTES];
            bytes[0] = (byte) i;
            sixtyFour.add(of(bytes));
        }
        assertThat(new CompletionBatch(List.of(CANCELLED), sixtyFour).inlineOutputs())
                .hasSize(64);
        List<InlineOutput> more = new java.util.ArrayList<>(sixtyFour);
        more.add(of(new byte[] {1}));
        Throwable tooMuch = catchThrowable(() -> new CompletionBatch(List.of(CANCELLED), more));
        assertThat(tooMuch).isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.code())
                .isEqualTo("invalid_field"));
        Throwable tooMany = catchThrowable(() -> new CompletionRequest(
                CANCELLED.lease(), CANCELLED.outcome(), Collections.nCopies(257, of(new byte[] {2}))));
        assertThat(tooMany).isInstanceOfSatisfying(ContractException.class, e -> assertThat(e.code())
                .isEqualTo("invalid_field"));
    }

    @Test
    void theBytesAreBase64OnTheWireAndAbsentMeansNone() {
        InlineOutput hello = of("hello\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String json = Wire.write(new CompletionBatch(List.of(CANCELLED), List.of(hello)));
        assertThat(json).contains("\"content\":\"aGVsbG8K\"");
        CompletionBatch read = Wire.read(json, CompletionBatch.class);
        assertThat(read.inlineOutputs().getFirst().content()).isEqualTo(hello.content());
        assertThat(Wire.read("{\"completions\":[" + Wire.write(CANCELLED) + "]}", CompletionBatch.class)
                        .inlineOutputs())
                .isEmpty();
    }
}
