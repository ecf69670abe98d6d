package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.testkit.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The waits on the task queue take no timer each (a virtual thread's timed park costs one scheduled
 * and one cancelled task): they park until signalled, and the queue's ticker wakes them every poll
 * to look again. These check, on a real database with real threads, that nothing is lost by it: a
 * task that ends without its end being handed over is still heard of, and a long poll still ends
 * when its wait is over.
 */
class TaskQueueWaitsTest {

    @TempDir
    Path dir;

    @Test
    void aWaiterWhoseTaskEndedWithoutAHandoverHearsOfItFromTheRow() throws Exception {
        try (PushedGrantTest.Queue q = new PushedGrantTest.Queue(dir, new ManualClock())) {
            TaskQueue.Dispatch dispatch = q.dispatch("op.work.main");
            CompletableFuture<TaskQueue.Ended> ended = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    ended.complete(q.queue.await(dispatch));
                } catch (Throwable e) {
                    ended.completeExceptionally(e);
                }
            });
            // ended by SQL of its own, as another path may: no waiter is handed the end
            TaskOutcome outcome = new TaskOutcome.Succeeded(
                    JsonNodeFactory.instance.objectNode().put("by", "sql"), List.of());
            q.db.write(tx -> tx.update(
                    "UPDATE tasks SET status = 'succeeded', outcome = ?, ended_epoch = 0 WHERE task_id = ?",
                    Wire.write(outcome),
                    dispatch.taskId().toString()));

            TaskQueue.Ended got = ended.get(Harness.WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(got.task().status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(Wire.toTree(got.outcome())).isEqualTo(Wire.toTree(outcome));
        }
    }

    @Test
    void aLongPollLongerThanTwoPollsEndsEmptyOnceItsWaitIsOver() throws Exception {
        try (PushedGrantTest.Queue q = new PushedGrantTest.Queue(dir, new ManualClock())) {
            Duration wait = Duration.ofMillis(2_500);
            long start = System.nanoTime();
            CompletableFuture<List<LeaseEnvelope>> polled = q.waiting("node-1", 1, wait);

            List<LeaseEnvelope> got = polled.get(Harness.WAIT.toMillis(), TimeUnit.MILLISECONDS);

            assertThat(got).as("nothing was queued").isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("not before its wait is over")
                    .isGreaterThanOrEqualTo(wait);
        }
    }
}
