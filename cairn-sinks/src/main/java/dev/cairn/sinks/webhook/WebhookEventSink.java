package dev.cairn.sinks.webhook;

import dev.cairn.sinks.Backoff;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.config.SinkTarget;
import dev.cairn.sinks.delivery.DeliverySink;
import dev.cairn.sinks.events.EncodedEvent;
import dev.cairn.sinks.events.StructuredJson;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;

/**
 * Posts each event to an HTTP endpoint in CloudEvents structured mode: {@code POST <url>} with
 * {@code Content-Type: application/cloudevents+json; charset=utf-8} and the event's structured JSON
 * as the body, one request per event, in log order.
 *
 * <p><b>Signature.</b> With a {@code secret}, each request carries {@value WebhookSignature#HEADER}
 * ({@link WebhookSignature}). With a {@code bearer}, {@code Authorization: Bearer <value>}.
 *
 * <p><b>Acknowledgement and retries.</b> An event is delivered when the endpoint answers 2xx.
 * Connection failures, timeouts (connect and answer), 408, 429 and 5xx are retried up to {@code
 * max_attempts} times with exponential backoff and jitter ({@link Backoff}), honouring a {@code
 * Retry-After} in seconds up to {@code max_backoff}; then the batch fails with {@code
 * sink_unreachable} and the relay retries it later, without end. Any other status fails at once with
 * {@code sink_rejected} (a receiver that refuses an event will refuse it again). Either way the events
 * stay in the log: nothing is skipped. The receiver should de-duplicate by the event's {@code id}:
 * delivery is at least once.
 */
public final class WebhookEventSink implements DeliverySink {

    private final SinkTarget.Webhook target;
    private final Optional<byte[]> secret;
    private final Optional<String> bearer;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final Backoff backoff;
    private final HttpClient client;

    /**
     * A sink posting to {@code target.url()}. Secrets named by the target are resolved now, through
     * {@code secrets}.
     */
    public WebhookEventSink(
            SinkTarget.Webhook target, SecretLookup secrets, InstantSource clock, RandomGenerator random) {
        this.target = Objects.requireNonNull(target, "target");
        Objects.requireNonNull(secrets, "secrets");
        this.secret = target.secret().map(secrets::secret);
        this.bearer = target.bearer().map(name -> new String(secrets.secret(name), StandardCharsets.UTF_8));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.backoff = new Backoff(target.backoff(), target.maxBackoff());
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(target.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String describe() {
        return "webhook " + target.url();
    }

    @Override
    public void deliver(List<EncodedEvent> events) {
        Objects.requireNonNull(events, "events");
        for (int i = 0; i < events.size(); i++) {
            try {
                post(events.get(i));
            } catch (SinkException e) {
                throw e.acknowledging(i);
            }
        }
    }

    private void post(EncodedEvent event) {
        byte[] body = event.json();
        Failure last = null;
        for (int attempt = 1; attempt <= target.maxAttempts(); attempt++) {
            if (attempt > 1) {
                Duration delay = backoff.delay(attempt - 1, random);
                if (last.retryAfterSeconds().isPresent()) {
                    long seconds = Math.max(last.retryAfterSeconds().getAsLong(), 0);
                    delay = seconds > target.maxBackoff().toSeconds()
                            ? target.maxBackoff()
                            : Duration.ofSeconds(seconds);
                }
                if (!Backoff.sleep(delay)) {
                    throw SinkException.interrupted(describe());
                }
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(target.url())
                    .timeout(target.timeout())
                    .header("Content-Type", StructuredJson.CONTENT_TYPE + "; charset=utf-8")
                    .header("User-Agent", "cairn-sinks")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            secret.ifPresent(
                    key -> request.header(WebhookSignature.HEADER, WebhookSignature.sign(key, clock.instant(), body)));
            bearer.ifPresent(token -> request.header("Authorization", "Bearer " + token));
            HttpResponse<Void> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            } catch (HttpTimeoutException e) {
                last = new Failure("no answer within " + target.timeout().toMillis() + " ms", OptionalLong.empty(), e);
                continue;
            } catch (IOException e) {
                last = new Failure("connection failed: " + e, OptionalLong.empty(), e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SinkException.interrupted(describe());
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return;
            }
            if (status == 408 || status == 429 || status >= 500) {
                last = new Failure("HTTP " + status, retryAfter(response), null);
                continue;
            }
            throw SinkException.rejected(
                    describe(), "HTTP " + status + " for event " + event.id() + " (" + event.type() + ")");
        }
        throw SinkException.unreachable(
                describe(),
                "event " + event.id() + " not accepted after " + target.maxAttempts() + " attempts; last: "
                        + last.message(),
                last.cause());
    }

    private static OptionalLong retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(header.get().strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // an HTTP date: use our own backoff
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "WebhookEventSink[" + target.url() + "]";
    }

    /** Why an attempt failed in a way worth retrying. */
    private record Failure(String message, OptionalLong retryAfterSeconds, Throwable cause) {}
}
