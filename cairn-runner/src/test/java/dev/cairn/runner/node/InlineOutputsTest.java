package dev.cairn.runner.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.runner.api.MultipartUpload;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which outputs a sink holds for the completion, and which it still stores. */
class InlineOutputsTest {

    @TempDir
    Path dir;

    private final InMemoryArtifactStore store = new InMemoryArtifactStore();

    private static byte[] bytes(int size, int fill) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) fill);
        return bytes;
    }

    @Test
    void smallOutputsAreHeldAndLargeOnesStored() throws Exception {
        InlineOutputs inline = new InlineOutputs();
        try (TaskScratch scratch = new TaskScratch(dir, "t-")) {
            StoreArtifactSink sink = new StoreArtifactSink(store, scratch, UploadRetry.none(), inline);
            byte[] small = "small".getBytes(StandardCharsets.UTF_8);
            byte[] large = bytes(InlineOutput.MAX_BYTES + 1, 7);
            Path file = Files.write(dir.resolve("f.txt"), "from a file".getBytes(StandardCharsets.UTF_8));

            sink.putBytes("a.txt", small);
            sink.putBytes("big.bin", large);
            sink.putFile("f.txt", file);
            MultipartUpload upload = sink.openMultipart("m.txt");
            upload.writeChunk("in ".getBytes(StandardCharsets.UTF_8));
            upload.writeChunk("parts".getBytes(StandardCharsets.UTF_8));
            upload.finish();

            assertThat(sink.outputs())
                    .extracting(OutputArtifact::key, OutputArtifact::artifactId, OutputArtifact::sizeBytes)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("a.txt", ArtifactIds.ofBytes(small), 5L),
                            org.assertj.core.groups.Tuple.tuple(
                                    "big.bin", ArtifactIds.ofBytes(large), (long) large.length),
                            org.assertj.core.groups.Tuple.tuple(
                                    "f.txt", ArtifactIds.ofBytes(Files.readAllBytes(file)), 11L),
                            org.assertj.core.groups.Tuple.tuple(
                                    "m.txt", ArtifactIds.ofBytes("in parts".getBytes(StandardCharsets.UTF_8)), 8L));
            // only the large one went to the store; the others wait for the completion
            assertThat(store.exists(new ArtifactId(ArtifactIds.ofBytes(large)))).isTrue();
            assertThat(store.exists(new ArtifactId(ArtifactIds.ofBytes(small)))).isFalse();
            assertThat(inline.named(sink.outputs()))
                    .extracting(InlineOutput::artifactId)
                    .containsExactly(
                            ArtifactIds.ofBytes(small),
                            ArtifactIds.ofBytes(Files.readAllBytes(file)),
                            ArtifactIds.ofBytes("in parts".getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void beyondTheTasksBudgetOutputsAreStored() throws Exception {
        InlineOutputs inline = new InlineOutputs();
        try (TaskScratch scratch = new TaskScratch(dir, "t-")) {
            StoreArtifactSink sink = new StoreArtifactSink(store, scratch, UploadRetry.none(), inline);
            int each = InlineOutput.MAX_BYTES;
            int fit = InlineOutputs.MAX_BYTES / each;
            for (int i = 0; i <= fit; i++) {
                sink.putBytes("part-" + i, bytes(each, i));
            }

            List<InlineOutput> held = inline.named(sink.outputs());
            assertThat(held).hasSize(fit);
            assertThat(store.exists(new ArtifactId(ArtifactIds.ofBytes(bytes(each, fit)))))
                    .isTrue();
            assertThat(store.exists(new ArtifactId(ArtifactIds.ofBytes(bytes(each, 0)))))
                    .isFalse();
        }
    }

    @Test
    void aKeyWrittenAgainNamesOnlyItsLastBytes() throws Exception {
        InlineOutputs inline = new InlineOutputs();
        try (TaskScratch scratch = new TaskScratch(dir, "t-")) {
            StoreArtifactSink sink = new StoreArtifactSink(store, scratch, UploadRetry.none(), inline);
            sink.putBytes("out.txt", "draft".getBytes(StandardCharsets.UTF_8));
            sink.putBytes("out.txt", "final".getBytes(StandardCharsets.UTF_8));
            sink.putBytes("copy.txt", "final".getBytes(StandardCharsets.UTF_8));

            assertThat(inline.named(sink.outputs()))
                    .extracting(InlineOutput::artifactId)
                    .containsExactly(ArtifactIds.ofBytes("final".getBytes(StandardCharsets.UTF_8)));
        }
    }
}
