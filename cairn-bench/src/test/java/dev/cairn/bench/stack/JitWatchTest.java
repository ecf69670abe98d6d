package dev.cairn.bench.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.bench.BenchSettings;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class JitWatchTest {

    @Test
    void theBusiestJitDecidesAndAJvmThatDoesNotTellIsLeftOut() {
        // over a 1,000 ms stretch: the server compiled 20 ms, one worker 300 ms, another does not tell
        long[] before = {100, 1_000, -1};
        long[] after = {120, 1_300, -1};
        assertThat(JitWatch.busiestShare(before, after, 1_000)).isEqualTo(0.3);
        assertThat(JitWatch.busiestShare(new long[] {-1}, new long[] {-1}, 1_000))
                .isZero();
    }

    @Test
    void itSettlesAfterEnoughQuietStretchesInARowAndABusyOneStartsTheCountAgain() {
        // cumulative compile ms of two JVMs; each stretch lasts 1,000 ms, so 50 ms is the 5 % line
        Deque<long[]> readings = new ArrayDeque<>(List.of(
                new long[] {0, 0}, // at the start
                new long[] {10, 40}, // quiet
                new long[] {20, 80}, // quiet
                new long[] {30, 190}, // the worker compiled 110 ms: busy, the count starts again
                new long[] {30, 190},
                new long[] {40, 240},
                new long[] {50, 290},
                new long[] {60, 300},
                new long[] {60, 300})); // the fifth quiet one in a row
        JitWatch watch = new JitWatch(readings::removeFirst);
        assertThat(watch.settled()).isFalse();
        assertThat(watch.lastShare()).isNaN();

        boolean[] settledAfter = new boolean[8];
        for (int i = 0; i < settledAfter.length; i++) {
            settledAfter[i] = watch.stretchEnded(1_000);
        }

        assertThat(settledAfter).containsExactly(false, false, false, false, false, false, false, true);
        assertThat(watch.settled()).isTrue();
        assertThat(watch.lastShare()).isZero();
        assertThat(readings).as("every reading taken once").isEmpty();
        // once settled, it reads no more
        assertThat(watch.stretchEnded(1_000)).isTrue();
    }

    @Test
    void whenNoJvmTellsThereIsNothingToWaitFor() {
        JitWatch watch = new JitWatch(() -> new long[] {-1, -1});

        assertThat(watch.settled()).isTrue();
        assertThat(watch.stretchEnded(1_000)).isTrue();
        // a warm-up of a fixed length watches nothing
        JitWatch none = JitWatch.none();
        assertThat(none.settled()).isTrue();
        assertThat(none.stretchEnded(1_000)).isTrue();
        assertThat(none.lastShare()).isNaN();
    }

    @Test
    void onlyATimedWarmUpWaitsForTheJit() {
        BenchSettings timed = BenchSettings.builder().warmupRounds(3).build();
        BenchSettings counted =
                BenchSettings.builder().warmupRounds(3).iterations(100).build();
        BenchSettings none = BenchSettings.builder().warmupRounds(0).build();

        assertThat(JitWatch.untilSettled(timed)).isTrue();
        assertThat(JitWatch.untilSettled(counted)).isFalse();
        assertThat(JitWatch.untilSettled(none)).isFalse();
        assertThat(JitWatch.forWarmUp(timed, List.of()).settled())
                .as("this JVM's JIT, watched")
                .isFalse();
        assertThat(JitWatch.forWarmUp(counted, List.of()).settled())
                .as("nothing watched")
                .isTrue();
    }

    @Test
    void itWatchesThisJvmAndEachWorker() {
        // no workers: this JVM only; HotSpot tells, and it has compiled its start-up by now
        JitWatch watch = JitWatch.of(List.of());

        assertThat(watch.settled()).isFalse();
        watch.stretchEnded(60_000);
        assertThat(watch.lastShare()).isBetween(0.0, 1.0);
    }
}
