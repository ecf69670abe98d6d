package dev.cairn.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretPolicyTest {

    @Test
    void namesFollowThePipelineSpec() {
        // docs/pipelines.md: letters, digits and _, not starting with a digit (the spec's ENV_NAME pattern)
        assertThat(SecretPolicy.NAME_PATTERN).isEqualTo("^[A-Za-z_][A-Za-z0-9_]{0,127}$");
        assertThat(SecretPolicy.isName("DEPLOY_TOKEN")).isTrue();
        assertThat(SecretPolicy.isName("_private")).isTrue();
        assertThat(SecretPolicy.isName("a".repeat(128))).isTrue();
        assertThat(SecretPolicy.isName("a".repeat(129))).isFalse();
        assertThat(SecretPolicy.isName("9LIVES")).isFalse();
        assertThat(SecretPolicy.isName("deploy-token")).isFalse();
        assertThat(SecretPolicy.isName("")).isFalse();
        assertThat(SecretPolicy.isName(null)).isFalse();
        // a token where the name goes
        assertThat(SecretPolicy.isName("ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"))
                .isFalse();
        assertThat(SecretPolicy.isVariable("NODE_AUTH_TOKEN")).isTrue();
        assertThat(SecretPolicy.isVariable("CAIRN_FILES_DIR")).isFalse();
        assertThat(SecretPolicy.isFileName("deploy_key.pem")).isTrue();
        assertThat(SecretPolicy.isFileName(".hidden")).isFalse();
        assertThat(SecretPolicy.isFileName("a/b")).isFalse();
    }

    @Test
    void describeNameHidesWhatMayBeACredential() {
        assertThat(SecretPolicy.describeName("bad-name")).isEqualTo("'bad-name'");
        assertThat(SecretPolicy.describeName("xoxb-1234567890-abcdefghij")).startsWith("(not shown: 26 characters");
        assertThat(SecretPolicy.describeName("p@ssw0rd with spaces and more")).startsWith("(not shown");
        assertThat(SecretPolicy.describeName("a\nb")).isEqualTo("'a?b'");
        assertThat(SecretPolicy.describeName(null)).isEqualTo("(missing)");
    }

    @Test
    void valuesAreTextOfEightBytesToSixtyFourKiB() {
        SecretPolicy.requireValue("OK", "12345678".getBytes(StandardCharsets.UTF_8));
        SecretPolicy.requireValue("UNICODE", "é日本😀".getBytes(StandardCharsets.UTF_8)); // 2+3+3+4 bytes
        SecretPolicy.requireValue(
                "MAX", "a".repeat(SecretPolicy.MAX_VALUE_BYTES).getBytes(StandardCharsets.UTF_8));
        Errors.failure(
                () -> SecretPolicy.requireValue("MAX", new byte[SecretPolicy.MAX_VALUE_BYTES]), "secret_not_text");
        Errors.failure(
                () -> SecretPolicy.requireValue("S", "1234567".getBytes(StandardCharsets.UTF_8)), "secret_too_short");
        Errors.failure(
                () -> SecretPolicy.requireValue("L", new byte[SecretPolicy.MAX_VALUE_BYTES + 1]), "secret_too_large");
        Errors.failure(
                () -> SecretPolicy.requireValue("B", new byte[] {'a', 'b', 'c', 'd', 'e', 'f', 'g', (byte) 0xe9}),
                "secret_not_text");
    }

    @Test
    void ttlsAndCellIdsAreBounded() {
        assertThat(SecretPolicy.requireTtl(1)).isEqualTo(1);
        assertThat(SecretPolicy.requireTtl(SecretPolicy.MAX_TTL_SECONDS)).isEqualTo(SecretPolicy.MAX_TTL_SECONDS);
        Errors.failure(() -> SecretPolicy.requireTtl(0), "invalid_ttl");
        Errors.failure(() -> SecretPolicy.requireTtl(-5), "invalid_ttl");
        assertThat(SecretPolicy.requireCellId("run-7.step_2-attempt-1")).isEqualTo("run-7.step_2-attempt-1");
        Errors.failure(() -> SecretPolicy.requireCellId("x".repeat(129)), "invalid_cell_id");
        Errors.failure(() -> SecretPolicy.requireCellId(null), "invalid_cell_id");
    }
}
