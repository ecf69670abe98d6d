package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Per-run signals: an append wakes the followers of its run only, and followed runs are forgotten. */
class RunSignalsTest {

    @Test
    void aFireWakesTheFollowersOfItsRunAndNoOneElse() throws Exception {
        RunSignals signals = new RunSignals();
        try (RunSignals.Follow a = signals.follow("a");
                RunSignals.Follow alsoA = signals.follow("a");
                RunSignals.Follow b = signals.follow("b")) {
            assertThat(alsoA.signal())
                    .as("followers of one run share its signal")
                    .isSameAs(a.signal());
            long seenA = a.signal().version();
            long seenB = b.signal().version();

            signals.fire("b");
            assertThat(a.signal().version())
                    .as("an append to b does not wake a's followers")
                    .isEqualTo(seenA);
            assertThat(b.signal().version()).isNotEqualTo(seenB);

            signals.fire("a");
            assertThat(a.signal().await(seenA, Duration.ZERO)).isTrue();
            signals.fire("nobody-follows-this");
            assertThat(signals.followedRuns()).isEqualTo(2);
        }
        assertThat(signals.followedRuns())
                .as("the last follower out forgets the run")
                .isZero();
    }

    @Test
    void aWaitingFollowerIsWokenByItsRunsFire() throws Exception {
        RunSignals signals = new RunSignals();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
                RunSignals.Follow follow = signals.follow("r")) {
            long seen = follow.signal().version();
            CountDownLatch waiting = new CountDownLatch(1);
            Future<Boolean> woken = threads.submit(() -> {
                waiting.countDown();
                return follow.signal().await(seen, Duration.ofSeconds(60));
            });
            waiting.await();
            signals.fire("r");
            assertThat(woken.get()).isTrue();
        }
    }

    @Test
    void followersComingAndGoingConcurrentlyLeaveNothingBehind() throws Exception {
        RunSignals signals = new RunSignals();
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                String run = "run-" + (t % 3);
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        try (RunSignals.Follow follow = signals.follow(run)) {
                            signals.fire(run);
                            assertThat(follow.signal().version()).isPositive();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(signals.followedRuns()).isZero();
    }
}
