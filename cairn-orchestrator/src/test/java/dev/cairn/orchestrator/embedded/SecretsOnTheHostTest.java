package dev.cairn.orchestrator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.RunDetail;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.orchestrator.OrchestratorException;
import dev.cairn.secrets.LocalSecretStore;
import dev.cairn.workspace.cache.CacheKey;
import dev.cairn.workspace.cache.CacheKeyPreimage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Declared secrets on the host: names checked at submission against a real local secret store,
 * carried to the runner as mounts, and in cache keys only as keyed digests of their versions — a
 * rotation misses, a value never reaches the database.
 */
class SecretsOnTheHostTest {

    @TempDir
    Path dir;

    static final String SPEC =
            """
            op: secretive
            steps:
              - id: publish
                secrets:
                  - API_TOKEN
                  - {name: DEPLOY_KEY, file: deploy_key}
                run: echo published > receipt.txt
                outputs: [receipt.txt]
              - id: notify
                secrets: [{name: API_TOKEN, env: TOKEN}]
                run: echo notified
            """;

    static final String TOKEN_V1 = "tok-first-value-0123456789";
    static final String TOKEN_V2 = "tok-second-value-9876543210";
    static final String KEY = "key-value-abcdefghijklmnop";

    @Test
    void missingSecretsAreRefusedAtSubmissionNamingEachAndWhoNeedsIt() throws Exception {
        LocalSecretStore store = LocalSecretStore.open(dir.resolve("secrets"));
        store.set("API_TOKEN", TOKEN_V1.getBytes(StandardCharsets.UTF_8));
        try (Harness h = new Harness(dir.resolve("home"), b -> b.secrets(SecretCatalog.of(store)))) {
            assertThatThrownBy(() -> h.submit(SPEC)).isInstanceOfSatisfying(OrchestratorException.class, e -> {
                assertThat(e.code()).isEqualTo("secret_not_found");
                assertThat(e.getMessage()).contains("DEPLOY_KEY").doesNotContain("API_TOKEN");
                assertThat(e.details()
                                .orElseThrow()
                                .path("missing")
                                .get(0)
                                .path("name")
                                .asText())
                        .isEqualTo("DEPLOY_KEY");
                assertThat(e.details()
                                .orElseThrow()
                                .path("missing")
                                .get(0)
                                .path("needed_by")
                                .get(0)
                                .asText())
                        .isEqualTo("step publish");
                assertThat(e.hint()).contains("cairn secrets set");
            });
            assertThat(h.orchestrator
                            .runs(new dev.cairn.orchestrator.api.RunQuery(
                                    java.util.Optional.empty(), 100, java.util.Optional.empty()))
                            .runs())
                    .as("nothing was accepted")
                    .isEmpty();
        }
    }

    @Test
    void secretsTravelAsMountsAndEnterKeysAsVersionDigestsOnly() throws Exception {
        LocalSecretStore store = LocalSecretStore.open(dir.resolve("secrets"));
        store.set("API_TOKEN", TOKEN_V1.getBytes(StandardCharsets.UTF_8));
        store.set("DEPLOY_KEY", KEY.getBytes(StandardCharsets.UTF_8));
        Path home = dir.resolve("home");
        try (Harness h = new Harness(home, b -> b.secrets(SecretCatalog.of(store)))) {
            WorkspaceCommands commands = new WorkspaceCommands(() -> h.orchestrator.artifacts());
            h.worker("w", Map.of(), Map.of("command", commands.handler()));

            RunDetail one = h.awaitEnd(h.submit(SPEC));
            assertThat(one.state()).as(one.toString()).isEqualTo(RunState.COMPLETED);
            CommandTask publish = commands.tasks("publish").getFirst();
            assertThat(publish.secrets())
                    .containsExactly(
                            new SecretMount("API_TOKEN", new SecretMount.Target.Env("API_TOKEN")),
                            new SecretMount("DEPLOY_KEY", new SecretMount.Target.File("deploy_key")));
            assertThat(commands.tasks("notify").getFirst().secrets())
                    .containsExactly(new SecretMount("API_TOKEN", new SecretMount.Target.Env("TOKEN")));
            CacheKeyPreimage preimage = h.orchestrator
                    .actionCache()
                    .lookup(new CacheKey(publish.cacheKey().orElseThrow()))
                    .orElseThrow()
                    .preimage()
                    .orElseThrow();
            assertThat(preimage.secrets()).containsOnlyKeys("API_TOKEN", "DEPLOY_KEY");
            assertThat(preimage.secrets().get("DEPLOY_KEY").delivery()).isEqualTo("file:deploy_key");

            RunDetail two = h.awaitEnd(h.submit(SPEC));
            assertThat(two.steps()).allSatisfy(s -> assertThat(s.cache()).contains("hit"));

            store.set("API_TOKEN", TOKEN_V2.getBytes(StandardCharsets.UTF_8));
            RunDetail three = h.awaitEnd(h.submit(SPEC));
            assertThat(three.steps())
                    .as("a rotated secret misses every step that declares it")
                    .allSatisfy(s -> assertThat(s.cache()).contains("miss"));
            assertThat(commands.tasks("publish").getLast().cacheKey()).isNotEqualTo(publish.cacheKey());
        }
        for (String value : List.of(TOKEN_V1, TOKEN_V2, KEY)) {
            byte[] needle = value.getBytes(StandardCharsets.UTF_8);
            try (Stream<Path> files = Files.walk(home)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    assertThat(indexOf(Files.readAllBytes(file), needle))
                            .as("a secret value in " + file)
                            .isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void withoutAVersionTheHostDoesNotCacheAStepThatDeclaresASecret() throws Exception {
        try (Harness h = new Harness(dir)) {
            WorkspaceCommands commands = new WorkspaceCommands(() -> h.orchestrator.artifacts());
            h.worker("w", Map.of(), Map.of("command", commands.handler()));
            String runId = h.orchestrator
                    .submitPipeline(PipelineRunRequest.of(Harness.spec(SPEC), Map.of()))
                    .runId();
            RunDetail detail = h.awaitEnd(runId);
            assertThat(detail.state()).isEqualTo(RunState.COMPLETED);
            assertThat(detail.steps()).allSatisfy(s -> assertThat(s.cache()).contains("off"));
            assertThat(h.orchestrator.events(runId, 0, 1000, Duration.ZERO).stream()
                            .map(e -> e.event().toString())
                            .filter(e -> e.contains("cache_decided"))
                            .toList())
                    .allSatisfy(e -> assertThat(e).contains("version of secret"));
            assertThat(h.orchestrator.actionCache().list()).isEmpty();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
