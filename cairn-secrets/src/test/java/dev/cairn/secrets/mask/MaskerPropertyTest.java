package dev.cairn.secrets.mask;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cairn.secrets.Seeds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random secrets embedded in random output, in every form, at random offsets, masked in random
 * chunkings: afterwards no form of any secret is left, and every chunking gives the same bytes.
 * The forms searched for are computed here with the JDK's and Jackson's own encoders, not with
 * {@link SecretForms}.
 */
class MaskerPropertyTest {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String PRINTABLE = ALNUM + " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final String UNICODE = ALNUM + "éüßçñ日本語Ωж€\u2028😀🔑";

    @Test
    void noFormOfAnySecretSurvivesMaskingInAnyChunking() throws IOException {
        Random random = Seeds.random("MaskerPropertyTest.noFormSurvives");
        int embedded = 0;
        for (int round = 0; round < 150; round++) {
            Map<String, byte[]> secrets = new LinkedHashMap<>();
            int count = 1 + random.nextInt(10);
            for (int i = 0; i < count; i++) {
                secrets.put("S" + i, randomSecret(random));
            }
            Masker.Builder builder = Masker.builder();
            secrets.forEach(builder::secret);
            Masker masker = builder.build();

            ByteArrayOutputStream input = new ByteArrayOutputStream();
            List<byte[]> names = new ArrayList<>(secrets.values());
            int segments = 5 + random.nextInt(40);
            for (int k = 0; k < segments; k++) {
                if (random.nextInt(3) == 0) {
                    input.writeBytes(embedding(random, names.get(random.nextInt(names.size()))));
                    embedded++;
                } else {
                    input.writeBytes(filler(random, random.nextInt(400)));
                }
            }
            byte[] in = input.toByteArray();
            byte[] once = masker.mask(in);
            assertNoForms(once, secrets, "round " + round + " (one buffer)");

            for (int c = 0; c < 3; c++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (MaskingOutputStream stream = masker.wrap(out)) {
                    int off = 0;
                    while (off < in.length) {
                        int n = Math.min(in.length - off, randomChunk(random));
                        if (n == 1 && random.nextBoolean()) {
                            stream.write(in[off]);
                        } else {
                            stream.write(in, off, n);
                        }
                        off += n;
                        assertThat(stream.pending()).isLessThanOrEqualTo(masker.holdback());
                    }
                }
                assertThat(out.toByteArray())
                        .as("round %d chunking %d gives the bytes of one buffer", round, c)
                        .isEqualTo(once);
            }
        }
        assertThat(embedded).isGreaterThan(100);
    }

    @Test
    void unrelatedOutputIsLeftAlone() {
        // False positives: a form matches unrelated text only by chance. For random secrets of at least
        // 8 bytes the shortest form is 8 bytes of a >= 16-symbol alphabet, about 2^-32 per position and
        // form at worst (hex of a 4-bit alphabet would be 2^-64); over these ~3 MB the expected number
        // of false matches is below 10^-3, so any change is a bug.
        Random random = Seeds.random("MaskerPropertyTest.unrelatedOutput");
        long total = 0;
        for (int round = 0; round < 60; round++) {
            Masker.Builder builder = Masker.builder();
            for (int i = 0; i < 10; i++) {
                builder.secret("S" + i, randomSecret(random));
            }
            Masker masker = builder.build();
            byte[] text = filler(random, 50_000);
            total += text.length;
            assertThat(masker.mask(text)).as("round %d", round).isEqualTo(text);
            assertThat(masker.find(text)).isEmpty();
        }
        assertThat(total).isGreaterThan(2_000_000);
    }

    // ------------------------------------------------------------------ the forms, independently

    /** Every form a reader could recognize, computed with the JDK's and Jackson's encoders. */
    static List<byte[]> searchForms(byte[] value) throws IOException {
        List<byte[]> forms = new ArrayList<>();
        addForms(forms, value);
        String[] lines = new String(value, StandardCharsets.UTF_8).split("\n", -1);
        if (lines.length > 1) {
            for (String line : lines) {
                byte[] b = line.replaceAll("\r$", "").getBytes(StandardCharsets.UTF_8);
                if (b.length >= 8) {
                    addForms(forms, b);
                }
            }
        }
        return forms;
    }

    private static void addForms(List<byte[]> forms, byte[] v) throws IOException {
        String text = new String(v, StandardCharsets.UTF_8);
        forms.add(v);
        for (int a = 0; a < 3; a++) {
            forms.add(ascii(inner(v, a, Base64.getEncoder())));
            forms.add(ascii(inner(v, a, Base64.getUrlEncoder())));
        }
        String form = URLEncoder.encode(text, StandardCharsets.UTF_8);
        forms.add(ascii(form));
        forms.add(ascii(lowerHexEscapes(form)));
        forms.add(ascii(rfc3986(v)));
        forms.add(ascii(lowerHexEscapes(rfc3986(v))));
        String quoted = JSON.writeValueAsString(text);
        String jackson = quoted.substring(1, quoted.length() - 1);
        for (String json : List.of(jackson, asciiOnly(jackson), jackson.replace("/", "\\/"))) {
            forms.add(json.getBytes(StandardCharsets.UTF_8));
        }
        forms.add(ascii(HexFormat.of().formatHex(v)));
        forms.add(ascii(HexFormat.of().withUpperCase().formatHex(v)));
    }

    /** The base64 characters of {@code v} that do not depend on its neighbours, {@code a} bytes into a group. */
    private static String inner(byte[] v, int a, Base64.Encoder encoder) {
        // Encode v between two different random contexts and keep what they have in common.
        byte[] x = new byte[a + v.length + 2];
        byte[] y = new byte[a + v.length + 2];
        System.arraycopy(v, 0, x, a, v.length);
        System.arraycopy(v, 0, y, a, v.length);
        for (int i = 0; i < a; i++) {
            x[i] = 0;
            y[i] = (byte) 0xff;
        }
        x[a + v.length] = 0;
        x[a + v.length + 1] = 0;
        y[a + v.length] = (byte) 0xff;
        y[a + v.length + 1] = (byte) 0xff;
        String ex = encoder.encodeToString(x);
        String ey = encoder.encodeToString(y);
        int start = 0;
        while (ex.charAt(start) != ey.charAt(start)) {
            start++;
        }
        int end = start;
        while (end < ex.length() && ex.charAt(end) == ey.charAt(end)) {
            end++;
        }
        return ex.substring(start, end);
    }

    /** JSON text with every non-ASCII UTF-16 unit as a lowercase {@code \}{@code uXXXX} escape. */
    private static String asciiOnly(String json) {
        StringBuilder b = new StringBuilder();
        for (char c : json.toCharArray()) {
            if (c < 0x80) {
                b.append(c);
            } else {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    private static String rfc3986(byte[] v) {
        StringBuilder b = new StringBuilder();
        for (byte x : v) {
            int c = x & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return b.toString();
    }

    private static String lowerHexEscapes(String s) {
        StringBuilder b = new StringBuilder(s);
        for (int i = 0; i < b.length(); i++) {
            if (b.charAt(i) == '%') {
                b.setCharAt(i + 1, Character.toLowerCase(b.charAt(i + 1)));
                b.setCharAt(i + 2, Character.toLowerCase(b.charAt(i + 2)));
            }
        }
        return b.toString();
    }

    static void assertNoForms(byte[] output, Map<String, byte[]> secrets, String where) throws IOException {
        String hay = new String(output, StandardCharsets.ISO_8859_1);
        for (Map.Entry<String, byte[]> e : secrets.entrySet()) {
            for (byte[] form : searchForms(e.getValue())) {
                assertThat(form.length).isGreaterThanOrEqualTo(8);
                int at = hay.indexOf(new String(form, StandardCharsets.ISO_8859_1));
                assertThat(at)
                        .as("%s: a form of %s left at offset %d", where, e.getKey(), at)
                        .isEqualTo(-1);
            }
        }
    }

    // ------------------------------------------------------------------ random material

    static byte[] randomSecret(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> ("ghp_" + randomString(random, ALNUM, 36)).getBytes(StandardCharsets.UTF_8);
            case 1 -> randomString(random, ALNUM, 8 + random.nextInt(41)).getBytes(StandardCharsets.UTF_8);
            case 2 -> randomString(random, PRINTABLE, 8 + random.nextInt(33)).getBytes(StandardCharsets.UTF_8);
            case 3 -> {
                byte[] b;
                do {
                    b = randomString(random, UNICODE, 4 + random.nextInt(30)).getBytes(StandardCharsets.UTF_8);
                } while (b.length < 8);
                yield b;
            }
            case 4 -> {
                StringBuilder s = new StringBuilder();
                int lines = 2 + random.nextInt(4);
                for (int i = 0; i < lines; i++) {
                    if (i > 0) {
                        s.append(random.nextInt(4) == 0 ? "\r\n" : "\n");
                    }
                    s.append(randomString(random, PRINTABLE, 4 + random.nextInt(30)));
                }
                byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
                yield b.length >= 8 ? b : "padding-line\n".concat(s.toString()).getBytes(StandardCharsets.UTF_8);
            }
            default ->
                randomString(random, "abcdef0123456789", 8 + random.nextInt(57)).getBytes(StandardCharsets.UTF_8);
        };
    }

    private static String randomString(Random random, String alphabet, int codePoints) {
        int[] cps = alphabet.codePoints().toArray();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < codePoints; i++) {
            b.appendCodePoint(cps[random.nextInt(cps.length)]);
        }
        return b.toString();
    }

    /** One occurrence of {@code v} in some form, with some context around it. */
    private static byte[] embedding(Random random, byte[] v) throws IOException {
        String text = new String(v, StandardCharsets.UTF_8);
        return switch (random.nextInt(8)) {
            case 0 -> v;
            case 1, 2 -> {
                byte[] prefix = randomBytes(random, random.nextInt(7));
                byte[] suffix = randomBytes(random, random.nextInt(4));
                byte[] all = new byte[prefix.length + v.length + suffix.length];
                System.arraycopy(prefix, 0, all, 0, prefix.length);
                System.arraycopy(v, 0, all, prefix.length, v.length);
                System.arraycopy(suffix, 0, all, prefix.length + v.length, suffix.length);
                Base64.Encoder encoder = random.nextBoolean() ? Base64.getEncoder() : Base64.getUrlEncoder();
                if (random.nextBoolean()) {
                    encoder = encoder.withoutPadding();
                }
                yield ascii(encoder.encodeToString(all));
            }
            case 3 -> {
                String form = random.nextBoolean() ? URLEncoder.encode(text, StandardCharsets.UTF_8) : rfc3986(v);
                yield ascii(random.nextBoolean() ? form : lowerHexEscapes(form));
            }
            case 4 -> {
                String json = JSON.writeValueAsString(Map.of("token", text, "n", random.nextInt()));
                yield switch (random.nextInt(3)) {
                    case 0 -> json.getBytes(StandardCharsets.UTF_8);
                    case 1 -> asciiOnly(json).getBytes(StandardCharsets.UTF_8); // Python's ensure_ascii, PHP
                    default -> json.replace("/", "\\/").getBytes(StandardCharsets.UTF_8); // PHP's \/
                };
            }
            case 5 ->
                ascii(
                        random.nextBoolean()
                                ? HexFormat.of().formatHex(v)
                                : HexFormat.of().withUpperCase().formatHex(v));
            case 6 -> {
                // a line of a multi-line secret, or the value again
                String[] lines = text.split("\n");
                String line = lines[random.nextInt(lines.length)].replaceAll("\r$", "");
                yield (line.getBytes(StandardCharsets.UTF_8).length >= 8 ? line : text)
                        .getBytes(StandardCharsets.UTF_8);
            }
            default -> ("export TOKEN='" + text + "'\n").getBytes(StandardCharsets.UTF_8);
        };
    }

    /** Output that could come from a step: log text, base64, hex, or raw bytes. */
    static byte[] filler(Random random, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 64);
        while (out.size() < n) {
            switch (random.nextInt(5)) {
                case 0 ->
                    out.writeBytes(("[INFO] Compiling " + random.nextInt(500) + " source files to target/classes\n")
                            .getBytes(StandardCharsets.UTF_8));
                case 1 ->
                    out.writeBytes(
                            ascii(Base64.getEncoder().encodeToString(randomBytes(random, 1 + random.nextInt(60)))));
                case 2 -> out.writeBytes(ascii(HexFormat.of().formatHex(randomBytes(random, 1 + random.nextInt(40)))));
                case 3 -> out.writeBytes(randomBytes(random, 1 + random.nextInt(40)));
                default ->
                    out.writeBytes(randomString(random, PRINTABLE + "\n\t", 1 + random.nextInt(80))
                            .getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static int randomChunk(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 1;
            case 1 -> 1 + random.nextInt(8);
            case 2 -> 1 + random.nextInt(200);
            default -> 1 + random.nextInt(5000);
        };
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
