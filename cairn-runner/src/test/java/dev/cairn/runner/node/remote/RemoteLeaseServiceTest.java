package dev.cairn.runner.node.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.contracts.api.InlineOutput;
import dev.cairn.runner.api.LeaseEnvelope;
import dev.cairn.runner.api.LogLevel;
import dev.cairn.runner.api.lease.AcquireRequest;
import dev.cairn.runner.api.lease.Completion;
import dev.cairn.runner.api.lease.CompletionResult;
import dev.cairn.runner.api.lease.CompletionStatus;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.HeartbeatAnswer;
import dev.cairn.runner.api.lease.LeaseException;
import dev.cairn.runner.api.lease.LeaseRef;
import dev.cairn.runner.api.lease.LogLine;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.runner.api.lease.TaskOutcome;
import dev.cairn.runner.node.Backoff;
import dev.cairn.runner.node.RunnerNode;
import dev.cairn.runner.node.RunnerNodeException;
import dev.cairn.runner.node.RunnerNodeOptions;
import dev.cairn.runner.node.RunnerRegistry;
import dev.cairn.runner.node.testing.CairnServerFixture;
import dev.cairn.runner.node.testing.InMemoryLeaseService;
import dev.cairn.runner.node.testing.Tasks;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP lease service against a real server over loopback. */
class RemoteLeaseServiceTest {

    private final InMemoryLeaseService leases = new InMemoryLeaseService(Duration.ofSeconds(30));
    private final InMemoryArtifactStore store = new InMemoryArtifactStore();
    private final CairnServerFixture server =
            new CairnServerFixture(leases, store).runnerToken("runner-tok").clientToken("client-tok");

    @AfterEach
    void tearDown() {
        server.close();
    }

    private RemoteLeaseService client(String token) {
        return RemoteLeaseService.create(options(token));
    }

    private RemoteClientOptions options(String token) {
        return RemoteClientOptions.builder(server.uri())
                .token(token)
                .backoff(new Backoff(Duration.ofMillis(5), Duration.ofMillis(20)))
                .build();
    }

    /** A client whose clock for refusals ({@link RemoteLeaseService#RETRY_REFUSED}) is {@code now}. */
    private RemoteLeaseService clientAt(java.util.concurrent.atomic.AtomicLong now) {
        HttpTransport http = new HttpTransport(options("runner-tok"));
        return new RemoteLeaseService(http, new RemoteArtifactStore(http), now::get);
    }

    private static AcquireRequest acquire(Duration wait) {
        return new AcquireRequest(
                "w1", List.of("/test/x/v1"), new java.util.TreeMap<>(Map.of("region", "eu")), 4, wait);
    }

    @Test
    void acquireHeartbeatAndCompleteRoundTrip() {
        RemoteLeaseService client = client("runner-tok");
        UUID taskId = leases.submit(
                Tasks.of("/test/x/v1", JsonNodeFactory.instance.objectNode().put("k", 1)));

        List<LeaseEnvelope> granted = client.acquire(acquire(Duration.ofSeconds(5)));

        assertThat(granted).singleElement().satisfies(lease -> {
            assertThat(lease.task().id()).isEqualTo(taskId);
            assertThat(lease.task().attempts()).contains(1L);
            assertThat(lease.task().meta()).hasToString("{\"k\":1}");
            assertThat(lease.leaseExpiresAt()).isPresent();
        });
        LeaseRef ref = LeaseRef.of(granted.getFirst());
        Heartbeat heartbeat = new Heartbeat(
                ref,
                Optional.of(JsonNodeFactory.instance.objectNode().put("pct", 50)),
                List.of(new LogLine(1_700_000_000_000L, LogLevel.WARN, "stderr", "careful: ünïcödé")));
        HeartbeatAnswer answer = client.heartbeat(heartbeat);
        assertThat(answer.cancel()).isFalse();
        assertThat(leases.heartbeats(taskId)).containsExactly(heartbeat);

        Completion completion = new Completion(
                ref,
                new TaskOutcome.Succeeded(
                        JsonNodeFactory.instance.objectNode().put("ok", true),
                        List.of(new OutputArtifact("a.txt", "d".repeat(64), "text/plain", 3))));
        client.complete(completion);
        client.complete(completion); // idempotent for the same epoch
        assertThat(leases.completions(taskId)).containsExactly(completion);
    }

    @Test
    void anEmptyBatchAfterTheLongPoll() {
        assertThat(client("runner-tok").acquire(acquire(Duration.ofMillis(100))))
                .isEmpty();
    }

    /** How a node in process stops: it interrupts its acquiring (virtual) thread, whose long poll ends at once. */
    @Test
    void anInterruptEndsALongPollingAcquire() throws Exception {
        RemoteLeaseService client = client("runner-tok");
        assertEndsInterrupted(client, Thread.ofVirtual(), Thread::interrupt);
    }

    /**
     * A platform thread's socket read does not end on an interrupt; {@code interruptAcquire} closes the
     * long poll's connection as well. The poll would last 60 s: only that ends it within 10.
     */
    @Test
    void interruptAcquireEndsThePlatformThreadsLongPoll() throws Exception {
        RemoteLeaseService client = client("runner-tok");
        assertEndsInterrupted(client, Thread.ofPlatform().daemon(), client::interruptAcquire);
    }

    /**
     * Starts a 60 s acquire on a thread of {@code builder}, stops it with {@code stop} once the server
     * holds it, and checks that it ended within 10 s as an interrupted call, the thread's interrupt
     * status kept.
     */
    private void assertEndsInterrupted(RemoteLeaseService client, Thread.Builder builder, Consumer<Thread> stop)
            throws Exception {
        CompletableFuture<Throwable> ended = new CompletableFuture<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread acquiring = builder.start(() -> {
            try {
                client.acquire(acquire(Duration.ofSeconds(60)));
                ended.complete(null);
            } catch (Throwable e) {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
                ended.complete(e);
            }
        });
        awaitWaitingAcquires(1);
        stop.accept(acquiring);

        assertThat(ended.get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(
                        RunnerNodeException.class, e -> assertThat(e.code()).isEqualTo("interrupted"));
        assertThat(stillInterrupted).as("the thread's interrupt status is kept").isTrue();
    }

    /**
     * A node over HTTP long-polls on one platform thread, which its close stops. Were the connection
     * not closed, the poll would go on for 60 s, past the node's 2 s of shutdown grace.
     */
    @Test
    void aNodeOverHttpPollsOnAPlatformThreadThatItsCloseEnds() throws Exception {
        RunnerNode node = RunnerNode.start(
                client("runner-tok"),
                store,
                RunnerRegistry.builder().builtIns().build(),
                RunnerNodeOptions.builder()
                        .workerId("w-platform")
                        .acquireWait(Duration.ofSeconds(60))
                        .shutdownGrace(Duration.ofSeconds(2))
                        .build());
        Thread polling;
        try {
            awaitWaitingAcquires(1);
            // Thread.getAllStackTraces lists platform threads only
            polling = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("cairn-node-acquire-w-platform"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no platform thread polls for the node"));
            assertThat(polling.isVirtual()).isFalse();
        } finally {
            node.close();
        }
        assertThat(polling.isAlive())
                .as("the polling thread ended with the node's close")
                .isFalse();
    }

    private void awaitWaitingAcquires(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (leases.waitingAcquires() != count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(leases.waitingAcquires())
                .as("acquires waiting on the server")
                .isEqualTo(count);
    }

    @Test
    void aCancelledTaskIsSaidSoInTheAnswer() {
        RemoteLeaseService client = client("runner-tok");
        UUID taskId = leases.submit(Tasks.of("/test/x/v1", null));
        LeaseRef ref =
                LeaseRef.of(client.acquire(acquire(Duration.ofSeconds(5))).getFirst());
        leases.cancel(taskId);

        assertThat(client.heartbeat(new Heartbeat(ref, Optional.empty(), List.of()))
                        .cancel())
                .isTrue();
    }

    @Test
    void staleAndUnknownLeasesAreLeaseExceptionsWithTheServersMessage() {
        RemoteLeaseService client = client("runner-tok");
        UUID taskId = leases.submit(Tasks.of("/test/x/v1", null));
        LeaseRef ref =
                LeaseRef.of(client.acquire(acquire(Duration.ofSeconds(5))).getFirst());
        leases.revoke(taskId);

        Throwable stale = catchThrowable(() -> client.complete(new Completion(ref, new TaskOutcome.Cancelled())));
        assertThat(stale).isInstanceOfSatisfying(LeaseException.class, e -> {
            assertThat(e.code()).isEqualTo(LeaseException.STALE_LEASE);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("epoch 1").contains("current epoch 2");
        });
        Throwable unknown = catchThrowable(
                () -> client.heartbeat(new Heartbeat(new LeaseRef(UUID.randomUUID(), 1), Optional.empty(), List.of())));
        assertThat(unknown).isInstanceOfSatisfying(LeaseException.class, e -> assertThat(e.code())
                .isEqualTo(LeaseException.UNKNOWN_TASK));
    }

    @Test
    void authFailuresAreRemoteServiceExceptionsWithTheEnvelope() {
        Throwable forbidden = catchThrowable(() -> client("client-tok").acquire(acquire(Duration.ZERO)));
        assertThat(forbidden).isInstanceOfSatisfying(RemoteServiceException.class, e -> {
            assertThat(e.code()).isEqualTo("forbidden");
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.envelope().hint()).contains("fixture");
            assertThat(e.details()).get().hasToString("{\"status\":403}");
        });
        Throwable unauthenticated = catchThrowable(() -> client(null).acquire(acquire(Duration.ZERO)));
        assertThat(unauthenticated).isInstanceOfSatisfying(RemoteServiceException.class, e -> {
            assertThat(e.code()).isEqualTo("unauthenticated");
            assertThat(e.retryable()).isFalse();
        });
    }

    @Test
    void retryableFailuresAreRetriedThenReportedAsUnavailable() {
        RemoteLeaseService client = client("runner-tok");
        UUID taskId = leases.submit(Tasks.of("/test/x/v1", null));
        LeaseRef ref =
                LeaseRef.of(client.acquire(acquire(Duration.ofSeconds(5))).getFirst());

        server.failNext(3, 503, "store_busy", true);
        assertThat(client.heartbeat(new Heartbeat(ref, Optional.empty(), List.of()))
                        .cancel())
                .isFalse();
        assertThat(leases.heartbeats(taskId)).hasSize(1);

        server.failNext(4, 503, "store_busy", true);
        Throwable thrown = catchThrowable(() -> client.heartbeat(new Heartbeat(ref, Optional.empty(), List.of())));
        assertThat(thrown).isInstanceOfSatisfying(LeaseException.class, e -> {
            assertThat(e.code()).isEqualTo(LeaseException.UNAVAILABLE);
            assertThat(e.retryable()).isTrue();
        });

        server.failNext(1, 503, "store_busy", true);
        Throwable acquireOnce = catchThrowable(() -> client.acquire(acquire(Duration.ZERO)));
        assertThat(acquireOnce).isInstanceOf(LeaseException.class); // acquire is not retried once sent
    }

    @Test
    void aRefusedBodyKeepsItsCode() {
        server.failNext(1, 400, "wire_format", false);
        Throwable thrown = catchThrowable(() -> client("runner-tok").acquire(acquire(Duration.ZERO)));
        assertThat(thrown).isInstanceOfSatisfying(RemoteServiceException.class, e -> {
            assertThat(e.code()).isEqualTo("wire_format");
            assertThat(e.status()).isEqualTo(400);
        });
    }

    @Test
    void aWrongBaseUrlIsARemoteNotFound() {
        RemoteLeaseService client = RemoteLeaseService.create(
                RemoteClientOptions.builder(server.uri().resolve("/v1/artifacts/x/"))
                        .build());
        Throwable thrown = catchThrowable(() -> client.acquire(acquire(Duration.ZERO)));
        assertThat(thrown).isInstanceOfSatisfying(RemoteServiceException.class, e -> assertThat(e.status())
                .isEqualTo(404));
    }

    private List<LeaseRef> leased(RemoteLeaseService client, int tasks) {
        for (int i = 0; i < tasks; i++) {
            leases.submit(Tasks.of("/test/x/v1", null));
        }
        List<LeaseRef> refs = new java.util.ArrayList<>();
        while (refs.size() < tasks) {
            client.acquire(acquire(Duration.ofSeconds(5))).forEach(l -> refs.add(LeaseRef.of(l)));
        }
        return refs;
    }

    private static Completion ok(LeaseRef ref) {
        return new Completion(ref, new TaskOutcome.Succeeded(JsonNodeFactory.instance.objectNode(), List.of()));
    }

    @Test
    void aBatchIsAnsweredCompletionByCompletion() {
        RemoteLeaseService client = client("runner-tok");
        List<LeaseRef> refs = leased(client, 2);
        LeaseRef good = refs.get(0);
        LeaseRef stale = refs.get(1);
        leases.revoke(stale.taskId());
        LeaseRef unknown = new LeaseRef(UUID.randomUUID(), 1);

        List<CompletionResult> results = client.complete(List.of(ok(good), ok(stale), ok(unknown), ok(good)));

        assertThat(results).extracting(CompletionResult::lease).containsExactly(good, stale, unknown, good);
        assertThat(results)
                .extracting(CompletionResult::status)
                .containsExactly(
                        CompletionStatus.DONE,
                        CompletionStatus.STALE_LEASE,
                        CompletionStatus.UNKNOWN_TASK,
                        CompletionStatus.DONE);
        assertThat(results.get(1).refusal().orElseThrow().getMessage()).contains("current epoch 2");
        assertThat(leases.completions(good.taskId())).containsExactly(ok(good));
        assertThat(leases.completions(stale.taskId())).isEmpty();
        assertThat(server.completionBatches()).containsExactly(4);
        assertThat(server.requests("POST /v1/leases/{taskId}/complete")).isZero();
    }

    /**
     * Completions that arrive while a batch is in flight leave together in the next one, and each
     * caller gets its own answer: the stale one's caller alone is refused.
     */
    @Test
    void completionsArrivingWhileOneIsInFlightLeaveTogether() throws Exception {
        RemoteLeaseService client = client("runner-tok");
        List<LeaseRef> refs = leased(client, 6);
        leases.revoke(refs.get(3).taskId());
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        server.holdCompletions(release);
        java.util.Map<LeaseRef, java.util.concurrent.Future<Throwable>> calls = new java.util.LinkedHashMap<>();
        try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            calls.put(
                    refs.getFirst(), threads.submit(() -> catchThrowable(() -> client.complete(ok(refs.getFirst())))));
            while (server.requests("POST /v1/leases/complete") < 1) {
                Thread.sleep(5); // the first completion is in flight (held by the server)
            }
            for (LeaseRef ref : refs.subList(1, refs.size())) {
                calls.put(ref, threads.submit(() -> catchThrowable(() -> client.complete(ok(ref)))));
            }
            while (client.queuedCompletions() < refs.size() - 1) {
                Thread.sleep(5);
            }
            release.countDown();
            for (var call : calls.entrySet()) {
                Throwable thrown = call.getValue().get();
                if (call.getKey().equals(refs.get(3))) {
                    assertThat(thrown).isInstanceOfSatisfying(LeaseException.class, e -> assertThat(e.code())
                            .isEqualTo(LeaseException.STALE_LEASE));
                } else {
                    assertThat(thrown).as("completion of " + call.getKey()).isNull();
                    assertThat(leases.completions(call.getKey().taskId())).containsExactly(ok(call.getKey()));
                }
            }
        }
        assertThat(server.completionBatches()).containsExactly(1, 5);
    }

    @Test
    void aBatchIsSentAgainAfterARetryableFailure() {
        RemoteLeaseService client = client("runner-tok");
        LeaseRef ref = leased(client, 1).getFirst();
        server.failNext(2, 503, "store_busy", true);

        client.complete(ok(ref));

        assertThat(leases.completions(ref.taskId())).containsExactly(ok(ref));
        assertThat(server.requests("POST /v1/leases/complete")).isEqualTo(3);

        server.failNext(4, 503, "store_busy", true);
        Throwable thrown = catchThrowable(() -> client.complete(ok(ref)));
        assertThat(thrown).isInstanceOfSatisfying(LeaseException.class, e -> assertThat(e.code())
                .isEqualTo(LeaseException.UNAVAILABLE));
        client.complete(ok(ref)); // the same completion again: harmless
    }

    @Test
    void aServerWithoutTheBatchRouteGetsEachCompletionOnItsOwn() {
        server.withoutBatchCompletions();
        RemoteLeaseService client = client("runner-tok");
        List<LeaseRef> refs = leased(client, 2);
        leases.revoke(refs.get(1).taskId());

        client.complete(ok(refs.get(0)));
        Throwable stale = catchThrowable(() -> client.complete(ok(refs.get(1))));

        assertThat(stale).isInstanceOfSatisfying(LeaseException.class, e -> assertThat(e.code())
                .isEqualTo(LeaseException.STALE_LEASE));
        assertThat(leases.completions(refs.get(0).taskId())).containsExactly(ok(refs.get(0)));
        assertThat(server.requests("POST /v1/leases/complete")).isEqualTo(1); // asked once, then not again
        assertThat(server.requests("POST /v1/leases/{taskId}/complete")).isEqualTo(2);
    }

    private static InlineOutput inline(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new InlineOutput(dev.cairn.json.ArtifactIds.ofBytes(bytes), bytes);
    }

    private static Completion okWith(LeaseRef ref, InlineOutput... outputs) {
        List<OutputArtifact> named = java.util.Arrays.stream(outputs)
                .map(o -> new OutputArtifact(
                        "out-" + o.artifactId().substring(0, 8), o.artifactId(), "text/plain", o.content().length))
                .toList();
        return new Completion(ref, new TaskOutcome.Succeeded(JsonNodeFactory.instance.objectNode(), named));
    }

    @Test
    void smallOutputsTravelInsideTheCompletionAndAreStoredBeforeItIsRecorded() {
        RemoteLeaseService client = client("runner-tok");
        List<LeaseRef> refs = leased(client, 1);
        InlineOutput a = inline("first output");
        InlineOutput b = inline("second output");

        assertThat(client.carriesOutputs()).isTrue();
        client.complete(okWith(refs.get(0), a, b), List.of(a, b));

        assertThat(leases.completions(refs.get(0).taskId())).containsExactly(okWith(refs.get(0), a, b));
        assertThat(store.get(new dev.cairn.machine.ids.ArtifactId(a.artifactId())))
                .isEqualTo(a.content());
        assertThat(store.get(new dev.cairn.machine.ids.ArtifactId(b.artifactId())))
                .isEqualTo(b.content());
        assertThat(server.inlineOutputCounts()).containsExactly(2);
        assertThat(server.requests("POST /v1/artifacts")).isZero();
        assertThat(client.carriesOutputs()).isTrue();
    }

    @Test
    void theSameOutputOfSeveralCompletionsInOneBatchTravelsOnce() throws Exception {
        RemoteLeaseService client = client("runner-tok");
        List<LeaseRef> refs = leased(client, 3);
        InlineOutput shared = inline("every task writes this");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        server.holdCompletions(release);
        List<Thread> threads = new java.util.ArrayList<>();
        for (LeaseRef ref : refs) {
            threads.add(Thread.ofVirtual().start(() -> client.complete(okWith(ref, shared), List.of(shared))));
            if (threads.size() == 1) {
                while (server.requests("POST /v1/leases/complete") == 0) {
                    Thread.sleep(5); // the first batch is in flight (held): the others queue behind it
                }
            }
        }
        while (client.queuedCompletions() < 2) {
            Thread.sleep(5);
        }
        release.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(server.completionBatches()).containsExactly(1, 2);
        assertThat(server.inlineOutputCounts()).containsExactly(1, 1);
        refs.forEach(ref -> assertThat(leases.completions(ref.taskId())).hasSize(1));
    }

    @Test
    void aServerThatRefusesInlineOutputsGetsThemUploadedFromThenOn() {
        server.withoutInlineOutputs();
        RemoteLeaseService client = client("runner-tok");
        List<LeaseRef> refs = leased(client, 2);
        InlineOutput a = inline("uploaded instead");
        InlineOutput b = inline("uploaded too");

        client.complete(okWith(refs.get(0), a), List.of(a));
        assertThat(client.carriesOutputs()).isFalse();
        client.complete(okWith(refs.get(1), b), List.of(b));

        assertThat(store.get(new dev.cairn.machine.ids.ArtifactId(a.artifactId())))
                .isEqualTo(a.content());
        assertThat(store.get(new dev.cairn.machine.ids.ArtifactId(b.artifactId())))
                .isEqualTo(b.content());
        assertThat(leases.completions(refs.get(0).taskId())).containsExactly(okWith(refs.get(0), a));
        assertThat(leases.completions(refs.get(1).taskId())).containsExactly(okWith(refs.get(1), b));
        assertThat(server.requests("POST /v1/artifacts")).isEqualTo(2);
        // refused once with the parameter, then twice without it
        assertThat(server.requests("POST /v1/leases/complete")).isEqualTo(3);
        assertThat(server.inlineOutputCounts()).containsExactly(0, 0);
    }

    @Test
    void refusedInlineOutputsAreTriedAgainLaterSoAnUpgradedServerIsNoticedWithoutARestart() {
        server.withoutInlineOutputs();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(42);
        RemoteLeaseService client = clientAt(now);
        List<LeaseRef> refs = leased(client, 3);
        InlineOutput a = inline("before the upgrade");
        InlineOutput b = inline("refused again");
        InlineOutput c = inline("after the upgrade");

        client.complete(okWith(refs.get(0), a), List.of(a));
        now.addAndGet(RemoteLeaseService.RETRY_REFUSED.toNanos() - 1);
        assertThat(client.carriesOutputs()).as("just before the interval ends").isFalse();
        now.addAndGet(1);
        assertThat(client.carriesOutputs()).isTrue();
        client.complete(okWith(refs.get(1), b), List.of(b)); // tried inline, refused: another interval
        assertThat(client.carriesOutputs()).isFalse();
        server.upgraded();
        now.addAndGet(RemoteLeaseService.RETRY_REFUSED.toNanos());
        client.complete(okWith(refs.get(2), c), List.of(c));

        assertThat(client.carriesOutputs()).isTrue();
        assertThat(server.requests("POST /v1/artifacts")).as("a and b uploaded").isEqualTo(2);
        // a and b: refused with the parameter, then sent without outputs; c: inline at once
        assertThat(server.requests("POST /v1/leases/complete")).isEqualTo(5);
        assertThat(server.inlineOutputCounts()).containsExactly(0, 0, 1);
        for (int i = 0; i < 3; i++) {
            assertThat(leases.completions(refs.get(i).taskId())).hasSize(1);
        }
        assertThat(store.get(new dev.cairn.machine.ids.ArtifactId(c.artifactId())))
                .isEqualTo(c.content());
    }

    @Test
    void aMissingBatchRouteIsTriedAgainLater() {
        server.withoutBatchCompletions();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        RemoteLeaseService client = clientAt(now);
        List<LeaseRef> refs = leased(client, 3);

        client.complete(okWith(refs.get(0)));
        client.complete(okWith(refs.get(1))); // still one by one, not asked again
        server.upgraded();
        now.addAndGet(RemoteLeaseService.RETRY_REFUSED.toNanos());
        client.complete(okWith(refs.get(2)));

        assertThat(server.requests("POST /v1/leases/{taskId}/complete")).isEqualTo(2);
        assertThat(server.requests("POST /v1/leases/complete"))
                .as("refused once, then the batch")
                .isEqualTo(2);
        assertThat(server.completionBatches()).containsExactly(1);
        for (int i = 0; i < 3; i++) {
            assertThat(leases.completions(refs.get(i).taskId())).hasSize(1);
        }
    }

    @Test
    void aServerWithoutTheBatchRouteGetsInlineOutputsUploaded() {
        server.withoutBatchCompletions();
        RemoteLeaseService client = client("runner-tok");
        List<LeaseRef> refs = leased(client, 1);
        InlineOutput a = inline("for an old server");

        client.complete(okWith(refs.get(0), a), List.of(a));

        assertThat(store.get(new dev.cairn.machine.ids.ArtifactId(a.artifactId())))
                .isEqualTo(a.content());
        assertThat(leases.completions(refs.get(0).taskId())).containsExactly(okWith(refs.get(0), a));
        assertThat(server.requests("POST /v1/artifacts")).isEqualTo(1);
        assertThat(server.requests("POST /v1/leases/{taskId}/complete")).isEqualTo(1);
        assertThat(client.carriesOutputs()).isFalse();
    }
}
