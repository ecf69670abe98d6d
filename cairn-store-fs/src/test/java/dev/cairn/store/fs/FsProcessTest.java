package dev.cairn.store.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.json.ArtifactIds;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.testkit.contract.Seeds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store against a real process killed mid-put: what it acknowledged is there and whole. */
class FsProcessTest {

    @TempDir
    Path dir;

    @Test
    void aProcessKilledMidPutLosesNothingItAcknowledgedAndLeavesNoPartialBlob() throws Exception {
        killMidPut(Seeds.seed("FsProcessTest.killedMidPut"), List.of());
    }

    /** A 96 KiB journal: a checkpoint every few blobs, so that kills land in checkpoints too. */
    @Test
    void aProcessKilledMidCheckpointLosesNothingItAcknowledgedAndLeavesNoPartialBlob() throws Exception {
        killMidPut(Seeds.seed("FsProcessTest.killedMidCheckpoint"), List.of(Integer.toString(96 * 1024)));
    }

    private void killMidPut(long seed, List<String> extraArgs) throws Exception {
        Path root = dir.resolve("artifacts");
        Random random = new Random(seed);
        for (int round = 0; round < 3; round++) {
            long childSeed = random.nextLong();
            int killAfter = 20 + random.nextInt(150);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    FsChild.class.getName(),
                    "put",
                    root.toString(),
                    Long.toString(childSeed)));
            command.addAll(extraArgs);
            Process child = new ProcessBuilder(command)
                    .redirectError(dir.resolve("child.err").toFile())
                    .start();
            int acknowledged = 0;
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                expect(out, "ready ");
                for (; acknowledged < killAfter; acknowledged++) {
                    String[] ack = expect(out, "ack ").split(" ");
                    assertThat(Integer.parseInt(ack[1])).isEqualTo(acknowledged);
                    assertThat(ack[2]).isEqualTo(ArtifactIds.ofBytes(FsChild.blob(childSeed, acknowledged)));
                }
            } finally {
                child.destroyForcibly(); // SIGKILL, mid-put
                child.waitFor(60, TimeUnit.SECONDS);
            }

            try (FsArtifactStore store = FsArtifactStore.open(root)) {
                for (int i = 0; i < acknowledged; i++) {
                    byte[] bytes = FsChild.blob(childSeed, i);
                    assertThat(store.get(new ArtifactId(ArtifactIds.ofBytes(bytes))))
                            .as("round %d blob %d", round, i)
                            .isEqualTo(bytes);
                }
                assertThat(files(root.resolve("tmp")))
                        .as("the dead child's temp files")
                        .isEmpty();
                for (Path file : files(root.resolve("objects"))) {
                    ArtifactId id = new ArtifactId(file.getFileName().toString());
                    assertThat(store.get(id))
                            .as("every blob under its final name is whole")
                            .isNotNull();
                }
            }
        }
    }

    private String expect(BufferedReader out, String prefix) throws IOException {
        String line = out.readLine();
        if (line == null || !line.startsWith(prefix)) {
            Path err = dir.resolve("child.err");
            throw new AssertionError("child said '" + line + "', expected '" + prefix + "…'; its stderr:\n"
                    + (Files.exists(err) ? Files.readString(err) : ""));
        }
        return line;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
