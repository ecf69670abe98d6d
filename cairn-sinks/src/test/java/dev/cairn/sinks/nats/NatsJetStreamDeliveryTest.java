package dev.cairn.sinks.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.sinks.Backoff;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.config.SinkTarget;
import dev.cairn.sinks.delivery.DeliverySink;
import dev.cairn.sinks.delivery.EventRelay;
import dev.cairn.sinks.delivery.RelayOptions;
import dev.cairn.sinks.delivery.SinkRegistration;
import dev.cairn.sinks.events.CloudEventMapper;
import dev.cairn.sinks.events.EncodedEvent;
import dev.cairn.sinks.support.Await;
import dev.cairn.sinks.support.NatsServer;
import dev.cairn.sinks.support.Runs;
import dev.cairn.sinks.support.TestLog;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NATS JetStream sink against a real {@code nats-server -js} started by the test: message id =
 * event id, so re-deliveries are dropped by the server; a server that goes away and comes back gets
 * every event.
 */
class NatsJetStreamDeliveryTest {

    private static final String STREAM = "CAIRN_TEST";

    @TempDir
    Path dir;

    private Random random;
    private NatsServer server;
    private TestLog log;
    private EventRelay relay;

    @BeforeEach
    void start() throws IOException {
        if (NatsServer.executable() == null) {
            throw new AssertionError("nats-server is not installed; run .ci/install-packages (Debian: nats-server)");
        }
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        random = new Random(seed);
        server = NatsServer.start(dir.resolve("jetstream"));
        log = TestLog.open(dir.resolve("cairn.db"));
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        log.close();
        server.close();
    }

    @Test
    void eachEventIsStoredOnceUnderItsIdEvenWhenPublishedAgain() throws Exception {
        CloudEventMapper mapper = new CloudEventMapper("nats-test");
        List<EncodedEvent> events =
                Runs.run(Runs.runId(random), 3).stream().map(mapper::encode).toList();
        try (NatsJetStreamEventSink sink = new NatsJetStreamEventSink(target(), SecretLookup.none())) {
            sink.deliver(events);
            sink.deliver(events.subList(2, 7)); // a re-delivery after a lost ack
            sink.deliver(events);
        }
        List<MessageInfo> stored = messages();
        assertThat(stored).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            EncodedEvent expected = events.get(i);
            MessageInfo message = stored.get(i);
            assertThat(message.getData()).as(expected.id()).isEqualTo(expected.json());
            assertThat(message.getHeaders().getFirst("Nats-Msg-Id")).isEqualTo(expected.id());
            assertThat(message.getHeaders().getFirst("Content-Type")).isEqualTo("application/cloudevents+json");
            assertThat(message.getSubject())
                    .isEqualTo("cairn.test." + expected.type().substring("dev.cairn.".length()));
        }
    }

    @Test
    void whileTheServerIsDownEventsWaitAndOnceItIsBackEveryOneArrivesExactlyOnceInTheStream() throws Exception {
        relay = EventRelay.start(log.db(), relayOptions());
        relay.register(SinkRegistration.of("bus", new NatsJetStreamEventSink(target(), SecretLookup.none())));
        List<EventEnvelope> all = new ArrayList<>();
        List<EventEnvelope> first = Runs.run(Runs.runId(random), 2);
        log.append(first);
        all.addAll(first);
        Await.until("the first run in the stream", () -> count() == first.size());

        server.stop();
        RunId second = Runs.runId(random);
        List<EventEnvelope> more = Runs.run(second, 3);
        log.append(more.subList(0, 5));
        all.addAll(more.subList(0, 5));
        Await.until(
                "the sink to fail while the server is down",
                () -> relay.status("bus").orElseThrow().failures() > 0,
                () -> relay.status("bus").toString());
        log.append(more.subList(5, more.size()));
        all.addAll(more.subList(5, more.size()));
        assertThat(relay.status("bus").orElseThrow().behind()).isGreaterThan(0);

        server.restart(); // same port, same store
        Await.until(
                "everything delivered", () -> relay.status("bus").orElseThrow().behind() == 0, () -> relay.status("bus")
                        .toString());

        List<MessageInfo> stored = messages();
        CloudEventMapper mapper = relay.mapper();
        assertThat(stored).hasSize(all.size());
        for (int i = 0; i < all.size(); i++) {
            EncodedEvent expected = mapper.encode(all.get(i));
            assertThat(stored.get(i).getHeaders().getFirst("Nats-Msg-Id")).isEqualTo(expected.id());
            assertThat(stored.get(i).getData()).isEqualTo(expected.json());
        }
        assertThat(relay.status("bus").orElseThrow().failures()).isZero();
    }

    @Test
    void aBatchSentAgainAfterALostAcknowledgementIsDroppedByTheServer() throws Exception {
        relay = EventRelay.start(log.db(), relayOptions());
        AtomicInteger calls = new AtomicInteger();
        NatsJetStreamEventSink nats = new NatsJetStreamEventSink(target(), SecretLookup.none());
        relay.register(SinkRegistration.of("bus", new DeliverySink() {
            @Override
            public void deliver(List<EncodedEvent> events) {
                nats.deliver(events);
                if (calls.incrementAndGet() == 1) {
                    throw SinkException.unreachable("bus", "the ack was lost on the way back", null);
                }
            }

            @Override
            public String describe() {
                return nats.describe();
            }

            @Override
            public void close() {
                nats.close();
            }
        }));
        List<EventEnvelope> events = Runs.run(Runs.runId(random), 2);
        log.append(events);

        Await.until("delivered", () -> relay.status("bus").orElseThrow().behind() == 0);
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
        assertThat(count()).isEqualTo(events.size());
    }

    @Test
    void aMissingStreamIsRefusedWhenTheSinkMayNotCreateIt() {
        SinkTarget.Nats noCreate = new SinkTarget.Nats(
                List.of(server.url()),
                "ABSENT",
                "absent.events",
                false,
                Duration.ofMinutes(2),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                Optional.empty());
        CloudEventMapper mapper = new CloudEventMapper("nats-test");
        List<EncodedEvent> events =
                List.of(mapper.encode(Runs.start(Runs.runId(random)).getFirst()));
        try (NatsJetStreamEventSink sink = new NatsJetStreamEventSink(noCreate, SecretLookup.none())) {
            assertThatThrownBy(() -> sink.deliver(events)).isInstanceOfSatisfying(SinkException.class, e -> {
                assertThat(e.code()).isEqualTo("sink_rejected");
                assertThat(e.getMessage()).contains("ABSENT").contains("create_stream is false");
            });
        }
        try (NatsJetStreamEventSink sink = new NatsJetStreamEventSink(
                SinkTarget.Nats.at("nats://127.0.0.1:1").withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(1)),
                SecretLookup.none())) {
            assertThatThrownBy(() -> sink.deliver(events)).isInstanceOfSatisfying(SinkException.class, e -> {
                assertThat(e.code()).isEqualTo("sink_unreachable");
                assertThat(e.retryable()).isTrue();
            });
        }
    }

    private SinkTarget.Nats target() {
        return SinkTarget.Nats.at(server.url())
                .withStream(STREAM, "cairn.test")
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    private static RelayOptions relayOptions() {
        return RelayOptions.builder()
                .sourceAuthority("nats-test")
                .pollInterval(Duration.ofMillis(50))
                .retryBackoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)))
                .build();
    }

    private long count() {
        try (Connection conn = Nats.connect(server.url())) {
            return conn.jetStreamManagement()
                    .getStreamInfo(STREAM)
                    .getStreamState()
                    .getMsgCount();
        } catch (JetStreamApiException e) {
            return 0; // not created yet
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private List<MessageInfo> messages() throws Exception {
        try (Connection conn = Nats.connect(server.url())) {
            JetStreamManagement jsm = conn.jetStreamManagement();
            long n = jsm.getStreamInfo(STREAM).getStreamState().getMsgCount();
            List<MessageInfo> out = new ArrayList<>();
            for (long seq = 1; seq <= n; seq++) {
                out.add(jsm.getMessage(STREAM, seq));
            }
            return out;
        }
    }
}
