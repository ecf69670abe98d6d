package dev.cairn.inference;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.InferenceBroker;
import dev.cairn.cell.api.InferenceRequest;
import dev.cairn.cell.api.InferenceResponse;
import dev.cairn.cell.api.SecretView;
import dev.cairn.machine.time.Clock;
import dev.cairn.machine.time.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link InferenceBroker} for OpenAI-compatible chat-completion endpoints (OpenAI, vLLM,
 * llama.cpp's server, Ollama, LiteLLM, …): each request becomes {@code POST
 * {base}/chat/completions} with {@code {"model","messages":[{"role":"user","content":prompt}],
 * "max_tokens"}}, and the answer's {@code choices[0].message.content}, {@code model} and {@code
 * usage} become the {@link InferenceResponse}.
 *
 * <p><b>Model.</b> The request's {@code modelHint} is used when {@link OpenAiOptions#allowedModels()}
 * is empty or holds it; otherwise the default model.
 *
 * <p><b>Key.</b> The API key is the secret {@link OpenAiOptions#apiKeySecret()} of the configured
 * {@link dev.cairn.cell.api.SecretBroker}, resolved for the requesting cell at each call, sent as
 * {@code Authorization: Bearer …} and wiped when the call ends. It never appears in a log line, an
 * exception message or details, or anything recorded: an endpoint's error text is dropped on 401/403
 * and has the key masked otherwise.
 *
 * <p><b>Attribution.</b> Each request carries the cell id in an {@code X-Cairn-Cell} header and is
 * logged (DEBUG) with cell, model and tokens; {@link BudgetedInferenceBroker} records it per run.
 *
 * <p><b>Failures</b> are {@link InferenceException}s (code {@code inference_broker}) with a {@link
 * InferenceFailure sub-reason}. 429, 5xx and connection failures are retried up to {@code
 * maxAttempts} times with exponential backoff, honoring {@code Retry-After} (seconds or an HTTP
 * date); a {@code Retry-After} beyond {@code maxBackoff} ends the retries. Connect timeouts are
 * retried like connection failures; request timeouts are not
 * (the endpoint may be generating, so a retry could spend the budget twice). This class does not
 * enforce budgets: wrap it in a {@link BudgetedInferenceBroker}.
 *
 * <p>Thread-safe; calls block (run them on virtual threads). Cancellation is a thread interrupt:
 * the call stops with {@code interrupted} and the flag stays set. {@link #close()} releases the HTTP
 * client.
 */
public final class OpenAiCompatibleBroker implements InferenceBroker, AutoCloseable {

    /** The header naming the requesting cell. */
    public static final String CELL_HEADER = "X-Cairn-Cell";

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiCompatibleBroker.class);
    private static final int ERROR_BODY_BYTES = 8192;
    private static final int ERROR_TEXT_CHARS = 300;

    private final OpenAiOptions options;
    private final URI endpoint;
    private final Sleeper sleeper;
    private final Clock clock;
    private final HttpClient client;

    /** A broker with {@code options}, really sleeping between retries. */
    public OpenAiCompatibleBroker(OpenAiOptions options) {
        this(options, Sleeper.system(), Clock.system());
    }

    /** A broker with {@code options}; {@code sleeper} waits between retries, {@code clock} reads HTTP-date {@code Retry-After}s. */
    public OpenAiCompatibleBroker(OpenAiOptions options, Sleeper sleeper, Clock clock) {
        this.options = Objects.requireNonNull(options, "options");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.endpoint = options.chatCompletionsUri();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The options. */
    public OpenAiOptions options() {
        return options;
    }

    /** The model a request with {@code hint} is sent to. */
    public String modelFor(Optional<String> hint) {
        return hint.filter(h -> !h.isBlank())
                .filter(h -> options.allowedModels().isEmpty()
                        || options.allowedModels().contains(h))
                .orElse(options.defaultModel());
    }

    @Override
    public InferenceResponse infer(InferenceRequest request) {
        Objects.requireNonNull(request, "request");
        if (request.maxTokens() < 1) {
            throw InferenceException.invalidRequest("max_tokens must be at least 1, got " + request.maxTokens());
        }
        String model = modelFor(request.modelHint());
        byte[] body = ChatProtocol.request(model, request.prompt(), request.maxTokens());
        try (Key key = resolveKey(request.cellId())) {
            InferenceResponse response = send(request.cellId(), model, body, key);
            LOG.debug(
                    "inference for cell {}: model {}, {} input + {} output tokens",
                    request.cellId(),
                    response.model(),
                    response.inputTokens(),
                    response.outputTokens());
            return response;
        } catch (InferenceException e) {
            LOG.debug(
                    "inference for cell {} failed: {}",
                    request.cellId(),
                    e.failure().reason());
            throw e;
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleBroker[" + endpoint + ", model " + options.defaultModel() + "]";
    }

    /** The API key for one call, wiped on close; empty when the endpoint needs none. */
    private record Key(Optional<SecretView> view) implements AutoCloseable {
        Optional<String> value() {
            return view.map(SecretView::reveal);
        }

        String mask(String text) {
            if (view.isEmpty() || view.get().isDestroyed()) {
                return text;
            }
            String k = view.get().reveal();
            return k.isEmpty() ? text : text.replace(k, "<redacted>");
        }

        @Override
        public void close() {
            view.ifPresent(SecretView::close);
        }
    }

    private Key resolveKey(String cellId) {
        if (options.apiKeySecret().isEmpty()) {
            return new Key(Optional.empty());
        }
        String name = options.apiKeySecret().get();
        try {
            SecretView view = options.secrets().orElseThrow().resolve(name, cellId, options.secretTtlSeconds());
            if (view == null) {
                throw InferenceException.of(
                        InferenceFailure.SECRET_UNAVAILABLE, "the secret broker returned nothing for " + name);
            }
            return new Key(Optional.of(view));
        } catch (InferenceException e) {
            throw e;
        } catch (CellException e) {
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            details.put("secret", name);
            details.put("secret_broker_code", e.code());
            throw InferenceException.of(
                    InferenceFailure.SECRET_UNAVAILABLE,
                    "the API key secret `" + name + "` could not be resolved for cell " + cellId + " (" + e.getMessage()
                            + ")",
                    details,
                    e);
        }
    }

    private InferenceResponse send(String cellId, String model, byte[] body, Key key) {
        ObjectNode last = null;
        InferenceFailure lastFailure = InferenceFailure.UNAVAILABLE;
        String lastText = "";
        Throwable lastCause = null;
        for (int attempt = 1; attempt <= options.maxAttempts(); attempt++) {
            if (Thread.currentThread().isInterrupted()) {
                throw interrupted(null);
            }
            HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                    .timeout(options.requestTimeout())
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .header(CELL_HEADER, cellId)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            key.value().ifPresent(k -> builder.header("Authorization", "Bearer " + k));
            OptionalLong retryAfter = OptionalLong.empty();
            try {
                HttpResponse<InputStream> response =
                        client.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    byte[] answer = readBounded(response);
                    return ChatProtocol.response(answer, model);
                }
                byte[] errorBody = readSome(response.body());
                String summary = status == 401 || status == 403 ? "" : key.mask(ChatProtocol.errorSummary(errorBody));
                if (summary.length() > ERROR_TEXT_CHARS) {
                    summary = summary.substring(0, ERROR_TEXT_CHARS) + "…";
                }
                last = JsonNodeFactory.instance.objectNode();
                last.put("status", status);
                last.put("attempts", attempt);
                last.put("model", model);
                if (!summary.isEmpty()) {
                    last.put("endpoint_error", summary);
                }
                String text = "the endpoint answered HTTP " + status + (summary.isEmpty() ? "" : " (" + summary + ")");
                if (status == 401 || status == 403) {
                    throw InferenceException.of(InferenceFailure.UNAUTHORIZED, text, last, null);
                }
                if (status == 429 || status / 100 == 5) {
                    lastFailure = status == 429 ? InferenceFailure.RATE_LIMITED : InferenceFailure.UNAVAILABLE;
                    lastText = text;
                    lastCause = null;
                    retryAfter = retryAfterMillis(response);
                    if (retryAfter.isPresent()) {
                        last.put("retry_after_ms", retryAfter.getAsLong());
                    }
                } else {
                    throw InferenceException.of(InferenceFailure.REJECTED, text, last, null);
                }
            } catch (HttpConnectTimeoutException e) {
                last = JsonNodeFactory.instance.objectNode();
                last.put("attempts", attempt);
                lastFailure = InferenceFailure.UNAVAILABLE;
                lastText = "cannot connect to " + endpoint.getScheme() + "://" + endpoint.getAuthority() + " within "
                        + options.connectTimeout().toMillis() + " ms";
                lastCause = e;
            } catch (HttpTimeoutException e) {
                ObjectNode details = JsonNodeFactory.instance.objectNode();
                details.put("timeout_ms", options.requestTimeout().toMillis());
                details.put("attempts", attempt);
                throw InferenceException.of(
                        InferenceFailure.TIMEOUT,
                        "the endpoint did not answer within "
                                + options.requestTimeout().toMillis() + " ms",
                        details,
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(e);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw interrupted(e);
                }
                last = JsonNodeFactory.instance.objectNode();
                last.put("attempts", attempt);
                lastFailure = InferenceFailure.UNAVAILABLE;
                lastText = (e instanceof ConnectException ? "cannot connect to " : "the connection failed to ")
                        + endpoint.getScheme() + "://" + endpoint.getAuthority() + " ("
                        + e.getClass().getSimpleName() + ")";
                lastCause = e;
            }
            if (attempt == options.maxAttempts()) {
                break;
            }
            Duration delay = delay(attempt, retryAfter);
            if (delay.compareTo(options.maxBackoff()) > 0) {
                lastText = lastText + "; Retry-After " + delay.toSeconds() + " s exceeds the broker's max backoff";
                break;
            }
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted(e);
            }
        }
        throw InferenceException.of(lastFailure, lastText + " (gave up after retries)", last, lastCause);
    }

    /** The wait before attempt {@code attempt + 1}: the endpoint's {@code Retry-After}, else exponential backoff. */
    private Duration delay(int attempt, OptionalLong retryAfterMillis) {
        if (retryAfterMillis.isPresent()) {
            return Duration.ofMillis(retryAfterMillis.getAsLong());
        }
        Duration d = options.initialBackoff();
        for (int i = 1; i < attempt && d.compareTo(options.maxBackoff()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : d;
    }

    private OptionalLong retryAfterMillis(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return OptionalLong.empty();
        }
        String value = header.get().trim();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0
                    ? OptionalLong.empty()
                    : OptionalLong.of(Math.multiplyExact(Math.min(seconds, 86_400L), 1000L));
        } catch (NumberFormatException e) {
            try {
                long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant()
                        .toEpochMilli();
                return OptionalLong.of(Math.max(0, at - clock.nowMillis()));
            } catch (DateTimeParseException e2) {
                return OptionalLong.empty();
            }
        }
    }

    private byte[] readBounded(HttpResponse<InputStream> response) throws IOException {
        int limit = options.maxResponseBytes();
        OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
        try (InputStream in = response.body()) {
            if (declared.isPresent() && declared.getAsLong() > limit) {
                throw tooLarge(limit);
            }
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw tooLarge(limit);
            }
            return bytes;
        }
    }

    private static byte[] readSome(InputStream in) throws IOException {
        try (in) {
            return in.readNBytes(ERROR_BODY_BYTES);
        }
    }

    private static InferenceException tooLarge(int limit) {
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("limit_bytes", limit);
        return InferenceException.of(
                InferenceFailure.RESPONSE_TOO_LARGE,
                "the endpoint's answer exceeds " + limit + " bytes",
                details,
                null);
    }

    private static InferenceException interrupted(Throwable cause) {
        return InferenceException.of(InferenceFailure.INTERRUPTED, "the inference call was interrupted", null, cause);
    }
}
