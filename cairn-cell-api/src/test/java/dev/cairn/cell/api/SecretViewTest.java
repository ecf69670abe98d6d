package dev.cairn.cell.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;

/** A secret's value shows up only where it is deliberately revealed. */
class SecretViewTest {

    private static final String VALUE = "hunter2-\u00e9-s3cr3t";

    /** The value in every form the architecture promises it never appears in (P6). */
    private static List<String> forms() {
        return List.of(
                VALUE,
                Base64.getEncoder().encodeToString(VALUE.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                java.net.URLEncoder.encode(VALUE, java.nio.charset.StandardCharsets.UTF_8),
                "hunter2-\\u00e9",
                "hunter2");
    }

    private static void assertNoSecretIn(String text) {
        for (String form : forms()) {
            assertThat(text).as("leaked form %s", form).doesNotContain(form);
        }
    }

    record Carrier(String name, SecretView secret) {}

    @Test
    void toStringAndStringFormattingRedact() {
        SecretView secret = SecretView.of("DB_PASSWORD", VALUE);
        assertThat(secret.toString()).isEqualTo("SecretView[key=DB_PASSWORD, value=<redacted>]");
        assertNoSecretIn(secret.toString());
        assertNoSecretIn(String.valueOf(secret));
        assertNoSecretIn(String.format("%s %s", secret, List.of(secret)));
        assertNoSecretIn(new Carrier("db", secret).toString());
        assertNoSecretIn(Map.of("k", secret).toString());
    }

    @Test
    void loggingShowsTheKeyButNotTheValue() {
        SecretView secret = SecretView.of("DB_PASSWORD", VALUE);
        LogRecord record = new LogRecord(Level.INFO, "resolved {0}");
        record.setParameters(new Object[] {secret});
        String logged = new SimpleFormatter().format(record);
        assertThat(logged).contains("DB_PASSWORD").contains("<redacted>");
        assertNoSecretIn(logged);
    }

    @Test
    void theWireCodecRefusesToWriteOrReadASecret() {
        SecretView secret = SecretView.of("DB_PASSWORD", VALUE);
        assertThatThrownBy(() -> Wire.write(secret)).isInstanceOfSatisfying(JsonException.class, e -> {
            assertThat(e.getMessage()).contains("no wire form");
            assertNoSecretIn(e.getMessage());
        });
        assertThatThrownBy(() -> Wire.write(new Carrier("db", secret)))
                .isInstanceOfSatisfying(JsonException.class, e -> assertNoSecretIn(e.getMessage()));
        assertThatThrownBy(() -> Wire.toTree(List.of(secret)))
                .isInstanceOfSatisfying(JsonException.class, e -> assertNoSecretIn(e.getMessage()));
        assertThatThrownBy(() -> Wire.read("{\"key\":\"K\",\"value\":\"v\"}", SecretView.class))
                .isInstanceOf(JsonException.class)
                .hasMessageContaining("no wire form");
    }

    @Test
    void revealIsTheOnlyWayToTheValueAndCloseWipesIt() {
        SecretView secret = SecretView.of("DB_PASSWORD", VALUE);
        assertThat(secret.key()).isEqualTo("DB_PASSWORD");
        assertThat(secret.reveal()).isEqualTo(VALUE);
        assertThat(secret.isDestroyed()).isFalse();
        secret.close();
        secret.close();
        assertThat(secret.isDestroyed()).isTrue();
        assertThatThrownBy(secret::reveal).isInstanceOfSatisfying(CellException.class, e -> {
            assertThat(e.code()).isEqualTo("secret_broker");
            assertThat(e.getMessage()).contains("DB_PASSWORD");
            assertNoSecretIn(e.getMessage());
        });
    }

    @Test
    void equalityIsIdentitySoComparisonsRevealNothing() {
        SecretView a = SecretView.of("K", VALUE);
        SecretView b = SecretView.of("K", VALUE);
        assertThat(a).isNotEqualTo(b).isEqualTo(a);
    }

    @Test
    void aSecretNeedsAKeyAndAValue() {
        assertThatThrownBy(() -> SecretView.of("", VALUE)).isInstanceOf(CellException.class);
        assertThatThrownBy(() -> SecretView.of("K", null))
                .isInstanceOf(CellException.class)
                .extracting(e -> ((CellException) e).code())
                .isEqualTo("secret_broker");
        assertThat(SecretView.of("K", "").reveal()).isEmpty();
    }
}
