package dev.cairn.secrets.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretFormsTest {

    private static final String VALUE = "p@ss/w0rd+é \"q\"<&>";

    private static List<String> forms(String value) {
        return SecretForms.of(value.getBytes(StandardCharsets.UTF_8)).stream()
                .map(p -> new String(p.bytes(), StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void includesWhatCommonEncodersWrite() throws Exception {
        List<String> forms = forms(VALUE);
        byte[] v = VALUE.getBytes(StandardCharsets.UTF_8);
        assertThat(forms).contains(VALUE);
        assertThat(forms).contains(Base64.getEncoder().encodeToString(v));
        assertThat(forms).contains(Base64.getUrlEncoder().withoutPadding().encodeToString(v));
        assertThat(forms).contains(URLEncoder.encode(VALUE, StandardCharsets.UTF_8));
        assertThat(forms).contains("p%40ss%2Fw0rd%2B%C3%A9%20%22q%22%3C%26%3E"); // RFC 3986, encodeURIComponent
        assertThat(forms).contains("p%40ss%2fw0rd%2b%c3%a9%20%22q%22%3c%26%3e"); // lowercase hex
        assertThat(forms).contains("p%40ss/w0rd%2B%C3%A9%20%22q%22%3C%26%3E"); // Python quote keeps /
        String jackson = JsonMapper.builder().build().writeValueAsString(VALUE);
        assertThat(forms).contains(jackson.substring(1, jackson.length() - 1));
        // Python's json.dumps (ensure_ascii): lowercase escapes of non-ASCII; Jackson's ESCAPE_NON_ASCII: uppercase
        assertThat(forms).contains("p@ss/w0rd+\\u00e9 \\\"q\\\"<&>", "p@ss/w0rd+\\u00E9 \\\"q\\\"<&>");
        // Go's json.Marshal: HTML-safe, lowercase hex
        assertThat(forms).contains("p@ss/w0rd+é \\\"q\\\"\\u003c\\u0026\\u003e");
        // PHP's json_encode: \/ and escapes of non-ASCII
        assertThat(forms).contains("p@ss\\/w0rd+\\u00e9 \\\"q\\\"<&>");
        assertThat(forms)
                .contains(
                        HexFormat.of().formatHex(v),
                        HexFormat.of().withUpperCase().formatHex(v));
    }

    @Test
    void base64FormsAreTheInnerPartsAtEachAlignmentAndTheTails() {
        byte[] v = "0123456789".getBytes(StandardCharsets.UTF_8);
        List<String> forms = forms("0123456789");
        for (int a = 0; a < 3; a++) {
            assertThat(forms).contains(SecretForms.base64Inner(v, a, false), SecretForms.base64Inner(v, a, true));
            byte[] embedded = new byte[a + v.length + 2];
            System.arraycopy(v, 0, embedded, a, v.length);
            assertThat(Base64.getEncoder().encodeToString(embedded)).contains(SecretForms.base64Inner(v, a, false));
        }
        assertThat(SecretForms.base64Inner(v, 0, false)).isEqualTo("MDEyMzQ1Njc4O"); // 13 of "MDEyMzQ1Njc4OQ=="
        assertThat(forms).contains("MDEyMzQ1Njc4OQ==", "MDEyMzQ1Njc4OQ");
    }

    @Test
    void aPlainValueHasFewFormsAndEveryFormIsLongEnough() {
        List<SecretForms.Pattern> patterns = SecretForms.of("abcdefgh".getBytes(StandardCharsets.UTF_8));
        assertThat(patterns).allSatisfy(p -> assertThat(p.bytes().length).isGreaterThanOrEqualTo(8));
        assertThat(patterns).filteredOn(p -> p.form() == SecretForm.RAW).hasSize(1);
        assertThat(patterns)
                .filteredOn(p -> p.form() == SecretForm.PERCENT || p.form() == SecretForm.JSON)
                .isEmpty();
        assertThat(patterns.stream()
                        .map(p -> new String(p.bytes(), StandardCharsets.UTF_8))
                        .distinct())
                .hasSize(patterns.size());
        assertThat(patterns.toString()).doesNotContain("abcdefgh");
    }

    @Test
    void linesOfAMultiLineValueOfEightBytesOrMoreAreFormsOfTheirOwn() {
        List<SecretForms.Pattern> patterns =
                SecretForms.of("first line\r\nshort\nthird line here\n".getBytes(StandardCharsets.UTF_8));
        assertThat(patterns)
                .filteredOn(p -> p.form() == SecretForm.RAW)
                .extracting(p -> new String(p.bytes(), StandardCharsets.UTF_8), SecretForms.Pattern::line)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("first line\r\nshort\nthird line here\n", -1),
                        org.assertj.core.groups.Tuple.tuple("first line", 0),
                        org.assertj.core.groups.Tuple.tuple("third line here", 2));
    }
}
