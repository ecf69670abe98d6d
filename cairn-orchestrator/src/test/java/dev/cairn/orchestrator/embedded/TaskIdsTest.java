package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.time.Entropy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TaskIdsTest {

    private static final StateId STATE = new StateId("m.build.run");

    @Test
    void theSameDispatchGetsTheSameIdAndARetryAnother() {
        RunId run = new RunId(new UUID(1, 2));
        long created = 1_790_000_000_000L;
        assertThat(TaskIds.task(run, STATE, 0, created)).isEqualTo(TaskIds.task(run, STATE, 0, created));
        assertThat(TaskIds.task(run, STATE, 1, created)).isNotEqualTo(TaskIds.task(run, STATE, 0, created));
        assertThat(TaskIds.task(run, new StateId("m.test.run"), 0, created))
                .isNotEqualTo(TaskIds.task(run, STATE, 0, created));
    }

    @Test
    void anIdLeadsWithItsRunsCreationTimeKeepsTheHashAndIsAVersion8Uuid() {
        RunId run = new RunId(new UUID(3, 4));
        long created = 0x0123_4567_89ABL;
        UUID id = TaskIds.task(run, STATE, 2, created);
        UUID legacy = TaskIds.legacyTask(run, STATE, 2);
        assertThat(id.toString()).startsWith("01234567-89ab-8");
        assertThat(id.version()).isEqualTo(8);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(legacy.version()).isEqualTo(8);
        assertThat(id.getLeastSignificantBits()).isEqualTo(legacy.getLeastSignificantBits());
        assertThat(id.getMostSignificantBits() & 0xFFFFL).isEqualTo(legacy.getMostSignificantBits() & 0xFFFFL);
    }

    @Test
    void idsSortAsTheirRunsWereCreatedAsTextAndAsUuids() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        List<UUID> ids = new ArrayList<>();
        List<Long> created = new ArrayList<>();
        long t = 1_790_000_000_000L;
        for (int i = 0; i < 200; i++) {
            t += 1 + random.nextInt(1000);
            created.add(t);
            ids.add(TaskIds.task(
                    new RunId(new UUID(random.nextLong(), random.nextLong())), STATE, random.nextInt(3), t));
        }
        // the tasks table's text key: string order is creation order
        List<String> asText = ids.stream().map(UUID::toString).toList();
        assertThat(asText).isSorted();
        for (int i = 0; i < ids.size(); i++) {
            assertThat(ids.get(i).getMostSignificantBits() >>> 16).isEqualTo(created.get(i));
        }
        assertThat(ids).isSortedAccordingTo(Comparator.comparing(UUID::getMostSignificantBits));
    }

    @Test
    void aNewRunsIdIsAVersion7UuidOfItsCreationTimeAndTheRandomPort() {
        long created = 0x0123_4567_89ABL;
        byte[] drawn = {(byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4, 5, 6, 7, 8};
        Entropy fixed = n -> {
            assertThat(n).isEqualTo(10);
            return drawn.clone();
        };
        UUID id = TaskIds.run(created, fixed);
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(created);
        // rand_a: the low 12 bits of the first two bytes; rand_b: the low 62 bits of the next eight
        assertThat(id.toString()).isEqualTo("01234567-89ab-7fff-8102-030405060708");
    }

    @Test
    void runIdsSortByCreationTimeAndDifferWithinOneMillisecond() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        Random random = new Random(seed);
        Entropy entropy = n -> {
            byte[] out = new byte[n];
            random.nextBytes(out);
            return out;
        };
        List<UUID> ids = new ArrayList<>();
        Set<UUID> distinct = new HashSet<>();
        long t = 1_790_000_000_000L;
        for (int i = 0; i < 2_000; i++) {
            t += random.nextInt(3) == 0 ? 1 + random.nextInt(50) : 0; // many runs share a millisecond
            UUID id = TaskIds.run(t, entropy);
            assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(t);
            assertThat(distinct.add(id)).as("unique: %s", id).isTrue();
            ids.add(id);
        }
        // ids of different milliseconds sort by time, as text (the tables' keys) and as UUIDs
        Comparator<UUID> byMillis = Comparator.comparingLong(id -> id.getMostSignificantBits() >>> 16);
        assertThat(ids).isSortedAccordingTo(byMillis);
        List<String> text = ids.stream().map(UUID::toString).toList();
        for (int i = 1; i < ids.size(); i++) {
            if (byMillis.compare(ids.get(i - 1), ids.get(i)) < 0) {
                assertThat(text.get(i - 1)).isLessThan(text.get(i));
            }
        }
    }

    @Test
    void aCreationTimeOutsideFortyEightBitsIsRefused() {
        Entropy entropy = n -> new byte[n];
        assertThatIllegalArgumentException().isThrownBy(() -> TaskIds.run(-1, entropy));
        assertThatIllegalArgumentException().isThrownBy(() -> TaskIds.run(1L << 48, entropy));
    }
}
