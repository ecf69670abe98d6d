package dev.cairn.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.RunId;
import dev.cairn.testkit.contract.SampleEvents;
import dev.cairn.testkit.contract.Seeds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store against real processes: a second one is kept out; one killed mid-append loses nothing acknowledged. */
class SqliteProcessTest {

    @TempDir
    Path dir;

    @Test
    void aSecondProcessIsRefusedWithTheHoldersPid() throws Exception {
        Path file = dir.resolve("events.db");
        Process holder = start("hold", file.toString());
        try (BufferedReader out = reader(holder)) {
            String ready = expectLine(out, holder, "ready ");
            String pid = ready.substring("ready ".length());

            assertThatThrownBy(() -> SqliteEventStore.open(file)).isInstanceOfSatisfying(StorageException.class, e -> {
                assertThat(e.code()).isEqualTo("store_locked");
                assertThat(e.retryable()).isFalse();
                assertThat(e.getMessage()).contains("another process").contains("pid " + pid);
                assertThat(e.hint()).contains("One process owns");
            });

            holder.getOutputStream().close();
            assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            holder.destroyForcibly();
        }
        SqliteEventStore.open(file).close();
    }

    @Test
    void aProcessKilledMidAppendLosesNothingItAcknowledgedAndLeavesNoHalfAppend() throws Exception {
        Path file = dir.resolve("events.db");
        long seed = Seeds.seed("SqliteProcessTest.killedMidAppend");
        Random random = new Random(seed);
        int runs = 8;
        for (int round = 0; round < 3; round++) {
            long childSeed = random.nextLong();
            int killAfter = 50 + random.nextInt(400);
            Map<RunId, Long> acknowledged = new HashMap<>();
            Process child = start("append", file.toString(), Long.toString(childSeed), Integer.toString(runs));
            try (BufferedReader out = reader(child)) {
                expectLine(out, child, "ready ");
                for (int acks = 0; acks < killAfter; acks++) {
                    String[] ack = expectLine(out, child, "ack ").split(" ");
                    acknowledged.merge(RunId.parse(ack[1]), Long.parseLong(ack[2]), Math::max);
                }
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, mid-append
                child.waitFor(60, TimeUnit.SECONDS);
            }

            List<RunId> ids = SqliteChild.runIds(childSeed, runs);
            try (SqliteEventStore store = SqliteEventStore.open(file)) {
                for (int i = 0; i < runs; i++) {
                    RunId run = ids.get(i);
                    long head = store.headSeq(run);
                    assertThat(head)
                            .as("round %d run %d: head against what was acknowledged", round, i)
                            .isGreaterThanOrEqualTo(acknowledged.getOrDefault(run, 0L));
                    assertThat(boundaries(SqliteChild.batchPlan(childSeed, i), head))
                            .as("round %d run %d: the head ends a whole append", round, i)
                            .contains(head);
                    assertThat(store.readRange(run, 0, Optional.empty()))
                            .containsExactlyElementsOf(SampleEvents.envelopes(run, 1, (int) head));
                }
            }
        }
    }

    /** The heads an append plan passes through, up to {@code limit}. */
    private static Set<Long> boundaries(Random plan, long limit) {
        Set<Long> heads = new HashSet<>(List.of(0L));
        for (long head = 0; head <= limit; ) {
            head += 1 + plan.nextInt(5);
            heads.add(head);
        }
        return heads;
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                SqliteChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectError(dir.resolve("child-" + args[0] + ".err").toFile())
                .start();
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    private String expectLine(BufferedReader out, Process process, String prefix) throws IOException {
        String line = out.readLine();
        if (line == null || !line.startsWith(prefix)) {
            Path err = dir.resolve("child-" + (prefix.startsWith("ack") ? "append" : "hold") + ".err");
            String stderr = Files.exists(err) ? Files.readString(err) : "";
            throw new AssertionError("child " + process.pid() + " said '" + line + "', expected '" + prefix
                    + "…'; its stderr:\n" + stderr);
        }
        return line;
    }
}
