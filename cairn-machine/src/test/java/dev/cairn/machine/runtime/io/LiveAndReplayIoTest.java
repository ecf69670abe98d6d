package dev.cairn.machine.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.IoError;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.FactRecorded;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import dev.cairn.machine.ids.StateId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.io.IoResult;
import dev.cairn.testkit.InMemoryArtifactStore;
import dev.cairn.testkit.ManualClock;
import dev.cairn.testkit.SeededEntropy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** LiveIo records what replay needs; ReplayIo answers from it and never performs IO. */
class LiveAndReplayIoTest {

    static final StateId STATE = new StateId("m.s.x");

    final InMemoryArtifactStore artifacts = new InMemoryArtifactStore();
    final FactIndex facts = new FactIndex();
    final List<DomainEvent> events = new ArrayList<>();
    final List<String> order = new ArrayList<>();
    final AtomicInteger calls = new AtomicInteger();
    final ManualClock clock = new ManualClock(1_000);
    final AtomicBoolean cancelled = new AtomicBoolean();
    ObjectNode answer = JsonNodeFactory.instance.objectNode().put("price", 7);

    LiveIo live() {
        IoTransportRegistry transports = IoTransportRegistry.builder()
                .register("prices", (call, context) -> {
                    order.add("transport");
                    calls.incrementAndGet();
                    return answer;
                })
                .build();
        return LiveIo.builder()
                .router(new IoRouter(transports))
                .context(IoRouterTest.CONTEXT)
                .ledger(new StoreFactLedger(facts, artifacts, events::add))
                .keys(new AttemptFactKeys(STATE, 0))
                .clock(clock)
                .entropy(new SeededEntropy(9))
                .barrier(() -> order.add("barrier"))
                .cancelled(cancelled::get)
                .build();
    }

    ReplayIo replay(boolean missingFactRetryable) {
        return new ReplayIo(
                new StoreFactLedger(facts, artifacts, e -> {
                    throw new AssertionError("replay recorded " + e);
                }),
                new AttemptFactKeys(STATE, 0),
                missingFactRetryable);
    }

    static IoCall call(String key) {
        return new IoCall(
                "prices",
                JsonNodeFactory.instance.objectNode().put("sku", "tea"),
                Optional.ofNullable(key).map(FactKey::new));
    }

    @Test
    void aCallWithAFactKeyRecordsTheResponseAfterABarrier() {
        IoResult result = live().call(call("price:tea"));

        assertThat(order).containsExactly("barrier", "transport");
        assertThat(result.response()).isEqualTo(answer);
        ArtifactId id = result.recordedPayloadId().orElseThrow();
        assertThat(id.value()).isEqualTo(ArtifactIds.ofJson(answer));
        assertThat(artifacts.get(id)).isEqualTo("{\"price\":7}".getBytes());
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().name()).isEqualTo(DomainEvent.DOMAIN_EVENT_FACT_RECORDED);
        FactRecorded recorded = Wire.fromTree(events.getFirst().payload(), FactRecorded.class);
        assertThat(recorded.key()).isEqualTo(new FactKey("price:tea"));
        assertThat(recorded.payloadId()).isEqualTo(id);
        assertThat(recorded.meta().get("namespace").textValue()).isEqualTo("prices");
        assertThat(facts.get(new FactKey("price:tea"))).contains(id);
    }

    @Test
    void aRecordedFactIsAnsweredWithoutIoOrBarrier() {
        LiveIo io = live();
        io.call(call("price:tea"));
        answer = JsonNodeFactory.instance.objectNode().put("price", 999);
        order.clear();

        IoResult again = io.call(call("price:tea"));

        assertThat(again.response().get("price").intValue()).isEqualTo(7);
        assertThat(calls).hasValue(1);
        assertThat(order).isEmpty();
        assertThat(events).hasSize(1);
    }

    @Test
    void aCallWithoutAFactKeyIsPerformedAndNotRecorded() {
        IoResult result = live().call(call(null));

        assertThat(result.recordedPayloadId()).isEmpty();
        assertThat(events).isEmpty();
        assertThat(artifacts.size()).isZero();
    }

    @Test
    void nowMillisAndRandomBytesAreRecordedUnderDerivedKeysAndReplayedExactly() {
        LiveIo io = live();
        long t1 = io.nowMillis();
        clock.advance(java.time.Duration.ofSeconds(5));
        long t2 = io.nowMillis();
        byte[] r1 = io.randomBytes(16);
        byte[] empty = io.randomBytes(0);

        assertThat(t1).isEqualTo(1_000);
        assertThat(t2).isEqualTo(6_000);
        assertThat(empty).isEmpty();
        assertThat(facts.get(new FactKey("cairn:now_millis|state:m.s.x|attempt:0|ord:0")))
                .isPresent();
        assertThat(facts.get(new FactKey("cairn:now_millis|state:m.s.x|attempt:0|ord:1")))
                .isPresent();
        assertThat(facts.get(new FactKey("cairn:random_bytes|state:m.s.x|attempt:0|ord:0")))
                .isPresent();

        clock.advance(java.time.Duration.ofDays(1));
        ReplayIo replay = replay(false);
        assertThat(replay.nowMillis()).isEqualTo(t1);
        assertThat(replay.nowMillis()).isEqualTo(t2);
        assertThat(replay.randomBytes(16)).isEqualTo(r1);
        assertThat(replay.randomBytes(0)).isEmpty();
        assertThatThrownBy(replay::nowMillis).isInstanceOfSatisfying(IoException.class, e -> assertThat(e.code())
                .isEqualTo("missing_fact"));
    }

    @Test
    void recordValueBindsOnceAndRefusesAnotherPayloadForTheSameKey() {
        LiveIo io = live();
        FactKey key = new FactKey("fx:eur");
        ArtifactId id = io.recordValue(key, JsonNodeFactory.instance.numberNode(2));

        assertThat(io.recordValue(key, JsonNodeFactory.instance.numberNode(2))).isEqualTo(id);
        assertThat(io.getRecordedFact(key)).contains(id);
        assertThatThrownBy(() -> io.recordValue(key, JsonNodeFactory.instance.numberNode(3)))
                .isInstanceOfSatisfying(IoException.class, e -> {
                    assertThat(e.code()).isEqualTo(IoCodes.FACT_CONFLICT);
                    assertThat(e.getMessage()).contains("fx:eur");
                });
        assertThat(events).hasSize(1);
    }

    @Test
    void aResponseHoldingASecretIsNotRecordedAndTheErrorNamesThePointerOnly() {
        answer = JsonNodeFactory.instance.objectNode().put("access_token", "abcdefghijklmnop1234");

        assertThatThrownBy(() -> live().call(call("login"))).isInstanceOfSatisfying(IoException.class, e -> {
            assertThat(e.code()).isEqualTo(IoCodes.SECRET_IN_FACT);
            assertThat(e.getMessage()).contains("value/access_token").doesNotContain("abcdefghijklmnop");
        });
        assertThat(artifacts.size()).isZero();
        assertThat(events).isEmpty();
    }

    @Test
    void onceCancelledEveryLiveMethodFailsFast() {
        LiveIo io = live();
        cancelled.set(true);
        try {
            assertThatThrownBy(() -> io.call(call("k")))
                    .isInstanceOfSatisfying(
                            IoException.class, e -> assertThat(e.code()).isEqualTo("interrupted"));
            assertThatThrownBy(io::nowMillis).isInstanceOf(IoException.class);
            assertThat(calls).hasValue(0);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void replayNeverPerformsIoAndSaysWhatIsMissing() {
        live().call(call("price:tea"));
        int performed = calls.get();
        ReplayIo replay = replay(false);

        assertThat(replay.call(call("price:tea")).response().get("price").intValue())
                .isEqualTo(7);
        assertThatThrownBy(() -> replay.call(call(null))).isInstanceOfSatisfying(IoException.class, e -> {
            assertThat(e.code()).isEqualTo("missing_fact_key");
            assertThat(e.error()).isInstanceOf(IoError.MissingFactKey.class);
            assertThat(e.getMessage()).contains("prices");
        });
        assertThatThrownBy(() -> replay.call(call("price:coffee"))).isInstanceOfSatisfying(IoException.class, e -> {
            assertThat(e.code()).isEqualTo("missing_fact");
            assertThat(e.retryable()).isFalse();
            assertThat(((IoError.MissingFact) e.error()).key()).isEqualTo(new FactKey("price:coffee"));
        });
        assertThatThrownBy(() -> replay(true).call(call("price:coffee")))
                .isInstanceOfSatisfying(
                        IoException.class, e -> assertThat(e.retryable()).isTrue());
        assertThat(calls).hasValue(performed);
    }

    @Test
    void replayRecordValueChecksTheValueIsTheRecordedOne() {
        live().recordValue(new FactKey("fx:eur"), JsonNodeFactory.instance.numberNode(2));
        ReplayIo replay = replay(false);

        assertThat(replay.recordValue(new FactKey("fx:eur"), JsonNodeFactory.instance.numberNode(2)))
                .isEqualTo(facts.get(new FactKey("fx:eur")).orElseThrow());
        assertThatThrownBy(() -> replay.recordValue(new FactKey("fx:eur"), JsonNodeFactory.instance.numberNode(3)))
                .isInstanceOfSatisfying(
                        IoException.class, e -> assertThat(e.code()).isEqualTo(IoCodes.REPLAY_FACT_MISMATCH));
        assertThatThrownBy(() -> replay.recordValue(new FactKey("fx:usd"), JsonNodeFactory.instance.numberNode(3)))
                .isInstanceOfSatisfying(
                        IoException.class, e -> assertThat(e.code()).isEqualTo("missing_fact"));
    }

    @Test
    void aFactIndexLoadedFromTheLogRefusesTwoBindingsOfOneKey() {
        FactIndex index = new FactIndex();
        ArtifactId a = new ArtifactId("a".repeat(64));
        index.load(new FactKey("k"), a, 3);
        index.load(new FactKey("k"), a, 9);

        assertThatThrownBy(() -> index.load(new FactKey("k"), new ArtifactId("b".repeat(64)), 12))
                .hasMessageContaining("seq 12")
                .hasMessageContaining("`k`");
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void derivedKeysCountPerKind() {
        AttemptFactKeys keys = new AttemptFactKeys(STATE, 3);
        assertThat(keys.next("now_millis").value()).isEqualTo("cairn:now_millis|state:m.s.x|attempt:3|ord:0");
        assertThat(keys.next("random_bytes").value()).isEqualTo("cairn:random_bytes|state:m.s.x|attempt:3|ord:0");
        assertThat(keys.next("now_millis").value()).isEqualTo("cairn:now_millis|state:m.s.x|attempt:3|ord:1");
    }
}
