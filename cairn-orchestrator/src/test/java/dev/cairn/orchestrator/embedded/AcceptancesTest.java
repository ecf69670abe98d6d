package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The submitter's wait for its run's first append: woken by that append, by the engine stopping, or
 * by the ticker once its time is up, with no timer of its own; the ticker parks while nothing is
 * pending and a registration wakes it.
 */
class AcceptancesTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    private static Acceptances.Pending pending() {
        return pending(UUID.randomUUID().toString(), 0, true);
    }

    /** A pending acceptance of a pipeline run without steps (also for the other tests of this package). */
    static Acceptances.Pending pending(String runId, long createdAt, boolean drawnId) {
        return new Acceptances.Pending(
                new RunIndex.Acceptance(
                        runId,
                        "pipeline",
                        "op",
                        createdAt,
                        "manifest",
                        "request",
                        Optional.empty(),
                        Optional.empty(),
                        "[]",
                        0,
                        Optional.empty(),
                        List.of()),
                List.of(),
                drawnId);
    }

    /** {@code pending.awaitAppend(wait)} on a virtual thread, given up (a failure) after {@link #LIMIT}. */
    private static boolean awaitAppend(Acceptances.Pending pending, Duration wait) throws Exception {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> result.complete(pending.awaitAppend(wait)));
        try {
            return result.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the wait of " + wait + " was never woken", e);
        }
    }

    @Test
    void aSubmitterWhoseAppendNeverComesWaitsItsWholeWaitAndThenAcceptsAlone() throws Exception {
        try (Acceptances acceptances = new Acceptances(Duration.ofMillis(10))) {
            Acceptances.Pending pending = pending();
            assertThat(acceptances.register(pending)).isTrue();
            Duration wait = Duration.ofMillis(60);
            long start = System.nanoTime();
            assertThat(awaitAppend(pending, wait)).as("nothing settled it").isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("the ticker never wakes a wait before its time")
                    .isGreaterThanOrEqualTo(wait);
            assertThat(pending.claimForSubmitter())
                    .as("the submitter may accept the run itself")
                    .isTrue();
        }
    }

    @Test
    void theRunsFirstAppendEndsTheWait() throws Exception {
        try (Acceptances acceptances = new Acceptances(Duration.ofMillis(10))) {
            Acceptances.Pending pending = pending();
            acceptances.register(pending);
            assertThat(pending.claimForAppend()).isTrue();
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
                pending.settled(Optional.empty());
            });
            assertThat(awaitAppend(pending, LIMIT.multipliedBy(10))).isTrue();
            assertThat(pending.await()).isEmpty();
        }
    }

    @Test
    void theEngineStoppingEndsTheWaitUnsettled() throws Exception {
        try (Acceptances acceptances = new Acceptances(Duration.ofMillis(10))) {
            Acceptances.Pending pending = pending();
            acceptances.register(pending);
            pending.wake();
            assertThat(awaitAppend(pending, LIMIT.multipliedBy(10))).isFalse();
        }
    }

    @Test
    void aZeroWaitDoesNotWait() {
        try (Acceptances acceptances = new Acceptances(Duration.ofSeconds(1))) {
            Acceptances.Pending pending = pending();
            acceptances.register(pending);
            assertThat(pending.awaitAppend(Duration.ZERO)).isFalse();
            pending.settled(Optional.empty());
            assertThat(pending.awaitAppend(Duration.ZERO)).isTrue();
        }
    }

    /** Waits (up to {@code LIMIT}) for the ticker to park, and fails when it does not. */
    private static void assertParks(Acceptances acceptances, String what) throws InterruptedException {
        long until = System.nanoTime() + LIMIT.toNanos();
        while (acceptances.ticking() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(acceptances.ticking()).as(what).isFalse();
    }

    @Test
    void anIdleTickerParksAndTheNextRegistrationWakesIt() throws Exception {
        try (Acceptances acceptances = new Acceptances(Duration.ofMillis(5), 2)) {
            assertParks(acceptances, "parked after two idle ticks");
            for (int round = 0; round < 3; round++) {
                Acceptances.Pending pending = pending();
                assertThat(acceptances.register(pending)).isTrue();
                // woken by nothing but the ticker, which the registration woke
                assertThat(awaitAppend(pending, Duration.ofMillis(20))).isFalse();
                acceptances.remove(pending);
                assertParks(acceptances, "parked again, round " + round);
            }
        }
    }

    @Test
    void anInterruptEndsTheWaitAndKeepsTheFlag() throws Exception {
        try (Acceptances acceptances = new Acceptances(Duration.ofMillis(10))) {
            Acceptances.Pending pending = pending();
            acceptances.register(pending);
            CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
            AtomicBoolean settled = new AtomicBoolean(true);
            Thread waiter = Thread.ofVirtual().start(() -> {
                settled.set(pending.awaitAppend(LIMIT.multipliedBy(10)));
                flagKept.complete(Thread.currentThread().isInterrupted());
            });
            while (waiter.getState() != Thread.State.WAITING && waiter.getState() != Thread.State.TERMINATED) {
                Thread.sleep(1);
            }
            waiter.interrupt();
            assertThat(flagKept.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(settled).isFalse();
        }
    }

    @Test
    void aRunCanHaveOnePendingAcceptance() {
        try (Acceptances acceptances = new Acceptances(Duration.ofMillis(10))) {
            Acceptances.Pending first = pending();
            Acceptances.Pending second = new Acceptances.Pending(first.acceptance, List.of(), true);
            assertThat(acceptances.register(first)).isTrue();
            assertThat(acceptances.register(second)).isFalse();
            assertThat(acceptances.get(first.acceptance.runId())).containsSame(first);
        }
    }

    @Test
    void aTickMustBePositive() {
        assertThatThrownBy(() -> new Acceptances(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Acceptances.tickFor(Duration.ofMillis(250))).isEqualTo(Duration.ofMillis(125));
        assertThat(Acceptances.tickFor(Duration.ZERO)).isEqualTo(Duration.ofMillis(10));
        assertThat(Acceptances.tickFor(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(1));
    }
}
