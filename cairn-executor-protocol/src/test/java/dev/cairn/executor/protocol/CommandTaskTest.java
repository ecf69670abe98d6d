package dev.cairn.executor.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Cairn additions carried in a {@code command} task: defaults, and what each field refuses. */
class CommandTaskTest {

    private static final String KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void onlyRunStepAndCommandAreRequired() {
        CommandTask task = Wire.read(
                "{\"run_id\":\"r\",\"step_id\":\"s\",\"step\":{\"run\":{\"argv\":[\"true\"]}}}", CommandTask.class);

        assertThat(task.inputs()).isEmpty();
        assertThat(task.cache()).isEqualTo(new CacheDecision.MissNoCommit());
        assertThat(task.cacheKey()).isEmpty();
        assertThat(task.cached()).isEmpty();
        assertThat(task.parentSnapshot()).isEmpty();
        assertThat(task.secrets()).isEmpty();
        assertThat(new CommandTask("r", "s", task.step(), List.of())).isEqualTo(task);
    }

    @Test
    void aHitCarriesItsEntryAndNothingElseDoes() {
        CommandStep step = CommandStep.argv("true").build();
        CacheDecision.Hit hit = new CacheDecision.Hit(new SnapshotRef("cache:" + KEY));
        CacheDecision.MissBuildAs miss = new CacheDecision.MissBuildAs(new SnapshotRef("cache:" + KEY));
        Optional<CachedResult> entry = Optional.of(
                new CachedResult(new SnapshotRef("tree:" + KEY), new StepResult(0, Optional.empty(), List.of())));

        assertThatThrownBy(() ->
                        new CommandTask("r", "s", step, List.of(), hit, Optional.of(KEY), Optional.empty(), null, null))
                .isInstanceOfSatisfying(ExecutorProtocolException.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_command_task");
                    assertThat(e.getMessage()).contains("cached", "absent");
                });
        assertThatThrownBy(() -> new CommandTask("r", "s", step, List.of(), miss, Optional.of(KEY), entry, null, null))
                .isInstanceOfSatisfying(ExecutorProtocolException.class, e -> assertThat(e.getMessage())
                        .contains("present"));
        assertThat(new CommandTask("r", "s", step, List.of(), hit, Optional.of(KEY), entry, null, null).cached())
                .isEqualTo(entry);
    }

    @Test
    void secretsAreNamedOnceAndTheKeyIsAHash() {
        CommandStep step = CommandStep.argv("true").build();
        SecretMount token = new SecretMount("token", new SecretMount.Target.Env("TOKEN"));

        assertThatThrownBy(
                        () -> new CommandTask("r", "s", step, List.of(), null, null, null, null, List.of(token, token)))
                .isInstanceOfSatisfying(ExecutorProtocolException.class, e -> assertThat(e.getMessage())
                        .contains("twice"));
        assertThatThrownBy(() -> new CommandTask(
                        "r", "s", step, List.of(), null, Optional.of(KEY.toUpperCase()), null, null, null))
                .isInstanceOfSatisfying(ExecutorProtocolException.class, e -> assertThat(e.code())
                        .isEqualTo("invalid_command_task"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "name with a slash | a/b | env  | A           | secret name",
                "empty name        | ''  | env  | A           | secret name",
                "reserved variable | a   | env  | CAIRN_TOKEN | variable name",
                "variable with =   | a   | env  | A=B         | variable name",
                "hidden file       | a   | file | .env        | plain file name",
                "file in a dir     | a   | file | x/y         | plain file name",
            })
    void badSecretMountsAreRefusedWithATypedError(String why, String name, String kind, String where, String problem) {
        String field = kind.equals("env") ? "variable" : "file_name";
        String json = "{\"name\":\"" + name + "\",\"target\":{\"kind\":\"" + kind + "\",\"" + field + "\":\"" + where
                + "\"}}";
        assertThatThrownBy(() -> Wire.read(json, SecretMount.class))
                .as(why)
                .isInstanceOfSatisfying(JsonException.class, e -> {
                    assertThat(e.getMessage()).contains(problem);
                    assertThat(e.hint()).isNotBlank();
                });
    }

    @Test
    void anUnknownDeliveryKindIsACodecError() {
        assertThatThrownBy(() -> Wire.read(
                        "{\"name\":\"a\",\"target\":{\"kind\":\"tmpfs\",\"path\":\"/x\"}}", SecretMount.class))
                .isInstanceOf(JsonException.class);
    }
}
