package dev.cairn.sinks.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.RunId;
import dev.cairn.sinks.Backoff;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.config.SinkTarget;
import dev.cairn.sinks.delivery.EventRelay;
import dev.cairn.sinks.delivery.RelayOptions;
import dev.cairn.sinks.delivery.SinkRegistration;
import dev.cairn.sinks.events.CloudEventMapper;
import dev.cairn.sinks.events.EncodedEvent;
import dev.cairn.sinks.events.StructuredJson;
import dev.cairn.sinks.support.Await;
import dev.cairn.sinks.support.HttpReceiver;
import dev.cairn.sinks.support.HttpReceiver.Answer;
import dev.cairn.sinks.support.Runs;
import dev.cairn.sinks.support.TestLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook sink against a real HTTP server on loopback that fails on purpose for a while — 500s,
 * answers slower than the timeout, refused connections — then accepts: every event arrives, with the
 * same id and bytes each time it is sent, signed.
 */
class WebhookDeliveryTest {

    private static final byte[] SECRET = "whsec-delivery-test-secret".getBytes(StandardCharsets.UTF_8);
    private static final SecretLookup SECRETS = name -> {
        if (name.equals("HOOK_SECRET")) {
            return SECRET.clone();
        }
        if (name.equals("HOOK_TOKEN")) {
            return "token-123".getBytes(StandardCharsets.UTF_8);
        }
        throw SinkException.secretUnavailable(name, "not in this test");
    };

    @TempDir
    Path dir;

    private Random random;
    private HttpReceiver receiver;
    private TestLog log;
    private EventRelay relay;

    @BeforeEach
    void start() {
        long seed = Long.getLong("cairn.seed", System.nanoTime());
        System.out.println("seed=" + seed);
        random = new Random(seed);
        receiver = HttpReceiver.start();
        log = TestLog.open(dir.resolve("cairn.db"));
    }

    @AfterEach
    void stop() {
        if (relay != null) {
            relay.close();
        }
        receiver.close();
        log.close();
    }

    @Test
    void eventsArriveOnceTheEndpointRecoversFromErrorsTimeoutsAndRefusals() {
        List<Answer> script = new ArrayList<>();
        script.addAll(HttpReceiver.times(3, new Answer.Status(500)));
        script.addAll(HttpReceiver.times(2, new Answer.Hang()));
        script.add(new Answer.Status(503));
        script.add(new Answer.Status(200));
        script.addAll(HttpReceiver.times(2, new Answer.Status(502)));
        receiver.script(script);
        relay = EventRelay.start(log.db(), relayOptions());
        relay.register(SinkRegistration.of("hook", sink(target())));

        RunId run = Runs.runId(random);
        List<EventEnvelope> events = Runs.run(run, 2);
        log.append(events);
        Await.until("the first event accepted", () -> !receiver.accepted().isEmpty());

        receiver.stop(); // connection refused for a while
        RunId second = Runs.runId(random);
        List<EventEnvelope> more = Runs.run(second, 1);
        log.append(more);
        Await.until(
                "the sink to notice the refusals",
                () -> relay.status("hook").orElseThrow().lastError().orElse("").contains("connection"),
                () -> relay.status("hook").toString());
        receiver.restart();

        List<EventEnvelope> all = new ArrayList<>(events);
        all.addAll(more);
        Await.until("every event accepted", () -> distinctAccepted().size() == all.size(), () -> distinctAccepted()
                .keySet()
                .toString());

        CloudEventMapper mapper = relay.mapper();
        Map<String, byte[]> accepted = distinctAccepted();
        for (EventEnvelope e : all) {
            EncodedEvent expected = mapper.encode(e);
            assertThat(accepted.get(expected.id())).as(expected.id()).isEqualTo(expected.json());
        }
        // every attempt of an event carried the same bytes, and each was signed and verifies
        Map<String, byte[]> firstSeen = new LinkedHashMap<>();
        for (HttpReceiver.Request request : receiver.requests()) {
            String id = idOf(request.body());
            byte[] previous = firstSeen.putIfAbsent(id, request.body());
            if (previous != null) {
                assertThat(request.body()).as("re-sent " + id).isEqualTo(previous);
            }
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/hooks/cairn");
            assertThat(request.header("Content-Type")).isEqualTo("application/cloudevents+json; charset=utf-8");
            assertThat(request.header("Authorization")).isEqualTo("Bearer token-123");
            WebhookSignature.verify(
                    SECRET,
                    request.header(WebhookSignature.HEADER),
                    request.body(),
                    Instant.now(),
                    WebhookSignature.DEFAULT_TOLERANCE);
        }
        assertThat(receiver.requests().size()).isGreaterThan(all.size() + 5);
        assertThat(requestIds(receiver.accepted())).as("in log order").isEqualTo(eventIds(all));
    }

    @Test
    void aRejectingEndpointFailsAtOnceWithoutRetriesAndTheEventsWait() {
        receiver.script(HttpReceiver.times(1, new Answer.Status(400)));
        WebhookEventSink sink = sink(target());
        CloudEventMapper mapper = new CloudEventMapper("webhook-test");
        RunId run = Runs.runId(random);
        List<EncodedEvent> events =
                Runs.run(run, 1).stream().map(mapper::encode).toList();

        assertThatThrownBy(() -> sink.deliver(events)).isInstanceOfSatisfying(SinkException.class, e -> {
            assertThat(e.code()).isEqualTo("sink_rejected");
            assertThat(e.retryable()).isFalse();
            assertThat(e.acknowledged()).isZero();
            assertThat(e.getMessage())
                    .contains("HTTP 400")
                    .contains(events.getFirst().id());
        });
        assertThat(receiver.requests()).hasSize(1);
        sink.deliver(events);
        assertThat(requestIds(receiver.accepted()))
                .isEqualTo(events.stream().map(EncodedEvent::id).toList());
        sink.close();
    }

    @Test
    void anEndpointThatNeverRecoversFailsTheBatchAfterMaxAttemptsSayingHowManyWereAcknowledged() {
        WebhookEventSink sink = sink(target().withRetries(3, Duration.ofMillis(5), Duration.ofMillis(10)));
        CloudEventMapper mapper = new CloudEventMapper("webhook-test");
        List<EncodedEvent> events =
                Runs.run(Runs.runId(random), 1).stream().map(mapper::encode).toList();
        receiver.script(List.of(new Answer.Status(200), new Answer.Status(200)));
        receiver.script(HttpReceiver.times(3, new Answer.Status(503)));

        assertThatThrownBy(() -> sink.deliver(events)).isInstanceOfSatisfying(SinkException.class, e -> {
            assertThat(e.code()).isEqualTo("sink_unreachable");
            assertThat(e.retryable()).isTrue();
            assertThat(e.acknowledged()).isEqualTo(2);
            assertThat(e.getMessage()).contains("3 attempts").contains("HTTP 503");
        });
        assertThat(receiver.requests()).hasSize(5);
        sink.close();
    }

    @Test
    void aMissingSecretIsATypedErrorWhenTheSinkIsBuilt() {
        assertThatThrownBy(() -> new WebhookEventSink(
                        target().signedWith("NO_SUCH_SECRET"), SECRETS, InstantSource.system(), new SplittableRandom()))
                .isInstanceOfSatisfying(SinkException.class, e -> {
                    assertThat(e.code()).isEqualTo("secret_unavailable");
                    assertThat(e.getMessage()).contains("NO_SUCH_SECRET");
                });
    }

    private SinkTarget.Webhook target() {
        return new SinkTarget.Webhook(
                receiver.uri("/hooks/cairn"),
                Optional.of("HOOK_SECRET"),
                Optional.of("HOOK_TOKEN"),
                Duration.ofSeconds(2),
                Duration.ofMillis(300),
                4,
                Duration.ofMillis(5),
                Duration.ofMillis(40));
    }

    private static WebhookEventSink sink(SinkTarget.Webhook target) {
        return new WebhookEventSink(target, SECRETS, InstantSource.system(), new SplittableRandom(42));
    }

    private static RelayOptions relayOptions() {
        return RelayOptions.builder()
                .sourceAuthority("webhook-test")
                .pollInterval(Duration.ofMillis(50))
                .retryBackoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(50)))
                .build();
    }

    private Map<String, byte[]> distinctAccepted() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (HttpReceiver.Request r : receiver.accepted()) {
            out.putIfAbsent(idOf(r.body()), r.body());
        }
        return out;
    }

    private static List<String> requestIds(List<HttpReceiver.Request> requests) {
        return requests.stream().map(r -> idOf(r.body())).toList();
    }

    private static List<String> eventIds(List<EventEnvelope> events) {
        return events.stream()
                .map(e -> CloudEventMapper.eventId(e.runId(), e.seq()))
                .toList();
    }

    private static String idOf(byte[] body) {
        return StructuredJson.decode(body).id();
    }
}
