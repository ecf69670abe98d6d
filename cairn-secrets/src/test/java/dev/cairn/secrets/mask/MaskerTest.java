package dev.cairn.secrets.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cell.api.SecretView;
import dev.cairn.secrets.SecretsException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MaskerTest {

    private static final String TOKEN = "ghp_R4nd0mT0k3nV4lu3xxxxxxxxxxxxxxxxxx";

    private static Masker masker(String... values) {
        Masker.Builder b = Masker.builder();
        for (int i = 0; i < values.length; i++) {
            b.secret("S" + i, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void masksTheValueAndItsEncodings() {
        Masker m = masker(TOKEN);
        assertThat(m.mask("token=" + TOKEN + " done")).isEqualTo("token=*** done");
        String b64 = Base64.getEncoder().encodeToString(utf8("user:" + TOKEN));
        assertThat(m.mask("Authorization: Basic " + b64)).doesNotContain(b64.substring(8, 40));
        assertThat(m.mask(HexFormat.of().formatHex(utf8(TOKEN)))).isEqualTo("***");
        assertThat(m.mask("{\"t\":\"" + TOKEN + "\"}")).isEqualTo("{\"t\":\"***\"}");
    }

    @Test
    void aSecretSplitAcrossWritesIsMasked() throws IOException {
        Masker m = masker(TOKEN);
        byte[] in = utf8("before " + TOKEN + " after");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MaskingOutputStream s = m.wrap(out)) {
            for (byte b : in) {
                s.write(b);
                assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("ghp_R4nd");
            }
            s.flush();
            // Flushing passes on only what is final: the held-back bytes could still start a secret.
            assertThat(s.pending()).isPositive().isLessThanOrEqualTo(m.holdback());
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("before *** after");
    }

    @Test
    void overlappingOccurrencesBecomeOneMarkerAndTouchingOnesTwo() {
        Masker m = masker("abcdefgh12", "gh12345678");
        assertThat(m.mask("x abcdefgh12345678 y")).isEqualTo("x *** y");
        assertThat(m.mask("x abcdefgh12gh12345678 y")).isEqualTo("x ****** y");
    }

    @Test
    void aFormCutOffAtTheEndIsMaskedWhenLongEnough() {
        Masker m = masker(TOKEN);
        String cut12 = TOKEN.substring(0, 12);
        String cut11 = TOKEN.substring(0, 11);
        assertThat(m.mask("log truncated: " + cut12)).isEqualTo("log truncated: ***");
        assertThat(m.mask("log truncated: " + cut11)).isEqualTo("log truncated: " + cut11);
        // In the middle of the output, a prefix is not a secret.
        assertThat(m.mask(cut12 + " and more")).isEqualTo(cut12 + " and more");
    }

    @Test
    void eachLineOfAMultiLineSecretIsMaskedAloneButShortLinesAreNot() {
        String key = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\nshort\n-----END KEY-----";
        Masker m = masker(key);
        assertThat(m.mask("printed: " + key)).isEqualTo("printed: ***");
        assertThat(m.mask("line: MIIEvQIBADANBgkqhkiG9w0BAQEF.")).isEqualTo("line: ***.");
        assertThat(m.mask("a short line stays")).isEqualTo("a short line stays");
        assertThat(m.mask("{\"k\":\"" + key.replace("\n", "\\n") + "\"}")).isEqualTo("{\"k\":\"***\"}");
    }

    @Test
    void lineMaskerMasksEachLineAndHandsItOverWhole() {
        Masker m = masker(TOKEN);
        List<String> lines = new ArrayList<>();
        try (LineMasker l = m.lines(lines::add)) {
            byte[] in = utf8("one " + TOKEN + "\r\ntwo\n\nthree " + TOKEN.substring(0, 20));
            for (int i = 0; i < in.length; i += 3) {
                l.write(in, i, Math.min(3, in.length - i));
            }
            assertThat(lines).containsExactly("one ***", "two", "");
        }
        assertThat(lines).containsExactly("one ***", "two", "", "three ***");
    }

    @Test
    void aVeryLongLineIsHandedOverInPiecesWithoutLeakingAcrossThem() {
        Masker m = masker(TOKEN);
        List<String> pieces = new ArrayList<>();
        LineMasker l = m.lines(pieces::add);
        String filler = "x".repeat(LineMasker.MAX_LINE_BYTES - 10);
        l.write(utf8(filler + TOKEN + "y".repeat(LineMasker.MAX_LINE_BYTES) + "\n"));
        l.close();
        String joined = String.join("", pieces);
        assertThat(pieces.size()).isGreaterThan(1);
        assertThat(joined).isEqualTo(filler + "***" + "y".repeat(LineMasker.MAX_LINE_BYTES));
        assertThat(pieces).allSatisfy(p -> assertThat(p).doesNotContain("R4nd0m"));
    }

    @Test
    void findReportsWhoseSecretInWhichFormWhereWithoutChangingAnything() throws IOException {
        Masker m = Masker.builder()
                .secret("DEPLOY_TOKEN", utf8(TOKEN))
                .secret("DB_PASSWORD", utf8("correct horse battery"))
                .build();
        byte[] in = utf8("a " + HexFormat.of().formatHex(utf8(TOKEN)) + " b correct+horse+battery");
        List<Masker.Finding> found = m.find(in);
        assertThat(found)
                .extracting(Masker.Finding::secret, Masker.Finding::form, Masker.Finding::offset)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("DEPLOY_TOKEN", SecretForm.HEX, 2L),
                        org.assertj.core.groups.Tuple.tuple("DB_PASSWORD", SecretForm.PERCENT, 81L));
        assertThat(m.find(new ByteArrayInputStream(in), 1)).hasSize(1);
        assertThat(m.containsSecret(in)).isTrue();
        assertThat(m.containsSecret(utf8("nothing here"))).isFalse();
        assertThat(m.secretNames()).containsExactly("DEPLOY_TOKEN", "DB_PASSWORD");
    }

    @Test
    void binaryOutputIsMaskedAndTheRestIsUntouched() {
        Masker m = masker(TOKEN);
        byte[] in = new byte[300];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) (i * 7);
        }
        byte[] token = utf8(TOKEN);
        System.arraycopy(token, 0, in, 100, token.length);
        byte[] out = m.mask(in);
        assertThat(out).hasSize(in.length - token.length + 3);
        assertThat(java.util.Arrays.copyOfRange(out, 0, 100)).isEqualTo(java.util.Arrays.copyOfRange(in, 0, 100));
        assertThat(java.util.Arrays.copyOfRange(out, 100, 103)).isEqualTo(utf8("***"));
        assertThat(java.util.Arrays.copyOfRange(out, 103, out.length))
                .isEqualTo(java.util.Arrays.copyOfRange(in, 100 + token.length, in.length));
    }

    @Test
    void noSecretsChangeNothing() throws IOException {
        Masker none = Masker.none();
        byte[] in = utf8("anything at all");
        assertThat(none.mask(in)).isEqualTo(in);
        assertThat(none.holdback()).isZero();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MaskingOutputStream s = none.wrap(out);
        s.write(in);
        assertThat(out.toByteArray()).isEqualTo(in); // nothing held back
        s.close();
        assertThatThrownBy(() -> s.write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void theMarkerCanBeChosen() {
        Masker m = Masker.builder().secret("T", utf8(TOKEN)).marker("[secret]").build();
        assertThat(m.mask("x" + TOKEN)).isEqualTo("x[secret]");
        assertThat(m.marker()).isEqualTo("[secret]");
        assertThatThrownBy(() -> Masker.builder().marker(""))
                .isInstanceOfSatisfying(
                        SecretsException.class, e -> assertThat(e.code()).isEqualTo("invalid_marker"));
        assertThatThrownBy(() -> Masker.builder().marker("a\nb")).isInstanceOf(SecretsException.class);
    }

    @Test
    void shortOrBinarySecretsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Masker.builder().secret("PIN", utf8("1234")))
                .isInstanceOfSatisfying(SecretsException.class, e -> {
                    assertThat(e.code()).isEqualTo("secret_too_short");
                    assertThat(e.getMessage()).contains("PIN", "4 bytes", "at least 8", "mangle ordinary output");
                    assertThat(e.getMessage()).doesNotContain("1234");
                });
        assertThatThrownBy(() -> Masker.builder().secret("BIN", new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) 0xff}))
                .isInstanceOfSatisfying(
                        SecretsException.class, e -> assertThat(e.code()).isEqualTo("secret_not_text"));
    }

    @Test
    void aSecretViewCanBeMaskedAndNothingPrintsTheValue() {
        try (SecretView view = SecretView.of("API_KEY", TOKEN)) {
            Masker m = Masker.builder().secret(view).build();
            assertThat(m.mask(TOKEN)).isEqualTo("***");
            assertThat(m.toString()).contains("API_KEY").doesNotContain(TOKEN).doesNotContain("R4nd0m");
            assertThat(SecretForms.of(utf8(TOKEN)).toString()).doesNotContain("R4nd0m");
        }
    }
}
