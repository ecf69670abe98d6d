package dev.cairn.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.cell.api.InferenceRequest;
import dev.cairn.cell.api.InferenceResponse;
import dev.cairn.secrets.DirectorySecretBroker;
import dev.cairn.testkit.FakeChatServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker against a real OpenAI-compatible server on loopback. */
class OpenAiCompatibleBrokerTest {

    static final String KEY = "sk-test-0123456789abcdef-SECRET";

    @TempDir
    Path dir;

    FakeChatServer server;
    DirectorySecretBroker secrets;
    final List<Duration> slept = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        server = new FakeChatServer().requireKey(KEY);
        Path secretDir = Files.createDirectory(dir.resolve("secrets"));
        Path file = secretDir.resolve("OPENAI_API_KEY");
        Files.writeString(file, KEY + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        secrets = new DirectorySecretBroker(secretDir, InstantSource.system());
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    OpenAiOptions.Builder options() {
        return OpenAiOptions.builder(server.baseUri(), "small-model")
                .apiKey(secrets, "OPENAI_API_KEY")
                .backoff(Duration.ofMillis(10), Duration.ofSeconds(10))
                .maxAttempts(4);
    }

    OpenAiCompatibleBroker broker(OpenAiOptions options) {
        return new OpenAiCompatibleBroker(options, slept::add, () -> 1_700_000_000_000L);
    }

    static InferenceRequest request(String cell, String prompt, long maxTokens) {
        return new InferenceRequest(cell, prompt, maxTokens, Optional.empty());
    }

    @Test
    void sendsTheChatCompletionAndReadsContentModelAndUsage() {
        try (var broker = broker(options().build())) {
            InferenceResponse response = broker.infer(request("cell-a", "three little words", 50));

            assertThat(response)
                    .isEqualTo(new InferenceResponse("echo: three little words", "small-model-served", 3, 5));
        }
        assertThat(server.requests()).isEqualTo(1);
        FakeChatServer.Seen seen = server.seen().getFirst();
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.body().toString())
                .isEqualTo(
                        "{\"model\":\"small-model\",\"messages\":[{\"role\":\"user\",\"content\":\"three little words\"}],"
                                + "\"max_tokens\":50}");
        assertThat(seen.header("Authorization")).isEqualTo("Bearer " + KEY);
        assertThat(seen.header(OpenAiCompatibleBroker.CELL_HEADER)).isEqualTo("cell-a");
    }

    @Test
    void aModelHintIsUsedOnlyWhenAllowed() {
        try (var open = broker(options().build());
                var restricted =
                        broker(options().allowedModels(Set.of("big-model")).build())) {
            open.infer(new InferenceRequest("c", "p", 5, Optional.of("other-model")));
            restricted.infer(new InferenceRequest("c", "p", 5, Optional.of("other-model")));
            restricted.infer(new InferenceRequest("c", "p", 5, Optional.of("big-model")));
        }
        assertThat(server.seen().stream().map(s -> s.body().get("model").asText()))
                .containsExactly("other-model", "small-model", "big-model");
    }

    @Test
    void retries429HonoringRetryAfterSeconds() {
        server.thenStatus(429, 2, "3");
        try (var broker = broker(options().build())) {
            assertThat(broker.infer(request("c", "hello", 5)).content()).isEqualTo("echo: hello");
        }
        assertThat(server.requests()).isEqualTo(3);
        assertThat(slept).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    @Test
    void retryAfterAsAnHttpDateIsMeasuredWithTheClock() {
        // the clock reads 2023-11-14T22:13:20Z; the date is 7 seconds later
        server.thenStatus(503, 1, "Tue, 14 Nov 2023 22:13:27 GMT");
        try (var broker = broker(options().build())) {
            broker.infer(request("c", "hello", 5));
        }
        assertThat(slept).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void retries5xxWithExponentialBackoffThenGivesUp() {
        server.thenStatus(500, 1, null).thenStatus(502, 1, null).thenStatus(503, 2, null);
        try (var broker = broker(options().build())) {
            InferenceException e =
                    catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
            assertThat(e.failure()).isEqualTo(InferenceFailure.UNAVAILABLE);
            assertThat(e.code()).isEqualTo("inference_broker");
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).startsWith("inference broker: unavailable: the endpoint answered HTTP 503");
            assertThat(e.details().get("status").asInt()).isEqualTo(503);
            assertThat(e.details().get("attempts").asInt()).isEqualTo(4);
        }
        assertThat(server.requests()).isEqualTo(4);
        assertThat(slept).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40));
    }

    @Test
    void aRetryAfterBeyondTheMaxBackoffEndsTheRetries() {
        server.thenStatus(429, 1, "3600");
        try (var broker = broker(options().build())) {
            InferenceException e =
                    catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
            assertThat(e.failure()).isEqualTo(InferenceFailure.RATE_LIMITED);
            assertThat(e.details().get("retry_after_ms").asLong()).isEqualTo(3_600_000L);
        }
        assertThat(server.requests()).isEqualTo(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void anOther4xxIsRejectedWithoutRetryAndTheEndpointsErrorIsShown() {
        server.then(new FakeChatServer.Script.Status(
                404,
                null,
                "{\"error\":{\"message\":\"The model `nope` does not exist\",\"type\":\"invalid_request_error\"}}"));
        try (var broker = broker(options().build())) {
            InferenceException e =
                    catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
            assertThat(e.failure()).isEqualTo(InferenceFailure.REJECTED);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("HTTP 404").contains("The model `nope` does not exist");
            assertThat(e.hint()).isEqualTo(InferenceFailure.REJECTED.hint());
        }
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void theKeyNeverAppearsInErrorsEvenWhenTheEndpointEchoesIt() throws IOException {
        // a 401 whose body echoes the key the broker sent
        Path other = Files.createDirectory(dir.resolve("other"));
        Path file = other.resolve("OPENAI_API_KEY");
        String wrong = "sk-wrong-key-that-must-not-leak";
        Files.writeString(file, wrong);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        var wrongSecrets = new DirectorySecretBroker(other, InstantSource.system());
        try (var broker = broker(OpenAiOptions.builder(server.baseUri(), "m")
                .apiKey(wrongSecrets, "OPENAI_API_KEY")
                .build())) {
            InferenceException e =
                    catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
            assertThat(e.failure()).isEqualTo(InferenceFailure.UNAUTHORIZED);
            assertThat(e.getMessage() + e.details() + e.hint())
                    .doesNotContain(wrong)
                    .doesNotContain("sk-wrong");
        }
        // a 400 whose message quotes the (right) key: masked
        server.then(new FakeChatServer.Script.Status(
                400, null, "{\"error\":{\"message\":\"bad request from key " + KEY + "\",\"type\":\"x\"}}"));
        try (var broker = broker(options().build())) {
            InferenceException e =
                    catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
            assertThat(e.getMessage()).contains("bad request from key <redacted>");
            assertThat(e.getMessage() + e.details()).doesNotContain(KEY);
        }
    }

    @Test
    void anUnknownSecretFailsBeforeAnythingIsSent() {
        try (var broker = broker(OpenAiOptions.builder(server.baseUri(), "m")
                .apiKey(secrets, "NO_SUCH_SECRET")
                .build())) {
            InferenceException e =
                    catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
            assertThat(e.failure()).isEqualTo(InferenceFailure.SECRET_UNAVAILABLE);
            assertThat(e.getMessage()).contains("NO_SUCH_SECRET");
            assertThat(e.details().get("secret_broker_code").asText()).isEqualTo("secret_broker");
        }
        assertThat(server.requests()).isZero();
    }

    @Test
    void garbageAndIncompleteAnswersAreMalformed() {
        server.then(new FakeChatServer.Script.Raw("this is not json"))
                .then(new FakeChatServer.Script.Raw("[1,2]"))
                .then(new FakeChatServer.Script.Raw("{\"choices\":[]}"))
                .then(new FakeChatServer.Script.Raw("{\"choices\":[{\"message\":{\"content\":42}}],\"usage\":{}}"))
                .then(new FakeChatServer.Script.Raw("{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}"))
                .then(
                        new FakeChatServer.Script.Raw(
                                "{\"choices\":[{\"message\":{\"content\":\"hi\"}}],\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":1}}"))
                .then(new FakeChatServer.Script.Raw("{\"choices\":[{\"message\":{\"content\":\"hi\"}}],"
                        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":3}}"));
        List<String> expected = List.of(
                "not JSON",
                "not a JSON object",
                "`choices` is missing or empty",
                "`choices[0].message.content` is not a string",
                "`usage` is missing",
                "`usage.prompt_tokens`",
                "`usage.total_tokens` 3");
        try (var broker = broker(options().build())) {
            for (String what : expected) {
                InferenceException e =
                        catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
                assertThat(e.failure()).isEqualTo(InferenceFailure.MALFORMED_RESPONSE);
                assertThat(e.getMessage()).contains(what);
                assertThat(e.failure().mayHaveSpent()).isTrue();
            }
        }
        assertThat(server.requests()).isEqualTo(expected.size());
    }

    @Test
    void aMissingModelAndNullContentAreTolerated() {
        server.then(new FakeChatServer.Script.Raw("{\"choices\":[{\"message\":{\"content\":null}}],"
                + "\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":0}}"));
        try (var broker = broker(options().build())) {
            assertThat(broker.infer(request("c", "p", 5))).isEqualTo(new InferenceResponse("", "small-model", 2, 0));
        }
    }

    @Test
    void oversizedAnswersAreRefusedWithOrWithoutContentLength() {
        server.then(new FakeChatServer.Script.Huge(64 * 1024, true))
                .then(new FakeChatServer.Script.Huge(64 * 1024, false));
        try (var broker = broker(options().maxResponseBytes(16 * 1024).build())) {
            for (int i = 0; i < 2; i++) {
                InferenceException e =
                        catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
                assertThat(e.failure()).isEqualTo(InferenceFailure.RESPONSE_TOO_LARGE);
                assertThat(e.details().get("limit_bytes").asInt()).isEqualTo(16 * 1024);
            }
        }
    }

    @Test
    void aSlowEndpointTimesOutWithoutRetry() {
        server.then(new FakeChatServer.Script.Hang());
        try (var broker =
                broker(options().requestTimeout(Duration.ofMillis(300)).build())) {
            InferenceException e =
                    catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
            assertThat(e.failure()).isEqualTo(InferenceFailure.TIMEOUT);
            assertThat(e.retryable()).isTrue();
            assertThat(e.details().get("timeout_ms").asLong()).isEqualTo(300);
        }
        assertThat(server.requests()).isEqualTo(1);
    }

    @Test
    void anUnreachableEndpointIsUnavailableAfterRetries() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (var broker = broker(OpenAiOptions.builder(URI.create("http://127.0.0.1:" + port + "/v1"), "m")
                .backoff(Duration.ofMillis(1), Duration.ofMillis(4))
                .maxAttempts(3)
                .build())) {
            InferenceException e =
                    catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
            assertThat(e.failure()).isEqualTo(InferenceFailure.UNAVAILABLE);
            assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("gave up after retries");
        }
        assertThat(slept).hasSize(2);
    }

    @Test
    void anInterruptedCallerStopsAndKeepsTheFlag() {
        try (var broker = broker(options().build())) {
            Thread.currentThread().interrupt();
            try {
                InferenceException e =
                        catchThrowableOfType(InferenceException.class, () -> broker.infer(request("c", "p", 5)));
                assertThat(e.failure()).isEqualTo(InferenceFailure.INTERRUPTED);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        }
        assertThat(server.requests()).isZero();
    }

    @Test
    void badRequestsAndOptionsAreRefused() {
        try (var broker = broker(options().build())) {
            assertThatThrownBy(() -> broker.infer(request("c", "p", 0)))
                    .isInstanceOfSatisfying(InferenceException.class, e -> assertThat(e.failure())
                            .isEqualTo(InferenceFailure.REQUEST_INVALID));
        }
        assertThatThrownBy(() ->
                        OpenAiOptions.builder(URI.create("ftp://x/v1"), "m").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http or https");
        assertThatThrownBy(() -> OpenAiOptions.builder(server.baseUri(), " ").build())
                .hasMessageContaining("default_model");
        assertThat(OpenAiOptions.builder(URI.create("http://h/v1/"), "m")
                        .build()
                        .chatCompletionsUri())
                .isEqualTo(URI.create("http://h/v1/chat/completions"));
        assertThat(server.requests()).isZero();
    }
}
