package dev.cairn.bench;

import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchReport.Ratio;
import dev.cairn.bench.Harness.Measurement;
import dev.cairn.bench.Harness.Task;
import dev.cairn.json.ArtifactIds;
import dev.cairn.secrets.mask.Masker;
import dev.cairn.secrets.mask.MaskingOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * {@code masking}: the cost of masking step output. 8 MB of build-like output (log lines, hex
 * digests, base64 blobs, JSON lines, a few occurrences of the secrets in their forms) go through a
 * {@link Masker} with 10 secrets declared, every form of each (about 500 byte strings), beside a
 * plain copy of the same bytes in the same 64 KiB chunks and, for scale, SHA-256 of the same bytes
 * (what storing output as an artifact costs anyway).
 *
 * <p>Figures: {@code mask_stream_64k} (a {@link MaskingOutputStream} fed 64 KiB writes, the path of
 * captured stdout), {@code mask_buffer} (one {@link Masker#mask(byte[])} call), {@code mask_lines_64k}
 * (the line-oriented masker), {@code scan_only} ({@link Masker#find(byte[])} over all of it, what an export check
 * does). MB are 10^6 bytes of input. No goal: the ratio to a copy says what masking adds to output
 * handling.
 */
public final class MaskingWorkload implements Workload {

    private static final long SEED = 6;
    private static final int OUTPUT_BYTES = 8_000_000;
    private static final int CHUNK = 64 * 1024;

    @Override
    public String name() {
        return "masking";
    }

    @Override
    public String description() {
        return "MB/s through the output masker with 10 secrets declared (every form), beside a plain copy"
                + " and SHA-256 of the same 8 MB";
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        Random random = new Random(SEED);
        Map<String, byte[]> secrets = secrets(random);
        Masker.Builder builder = Masker.builder();
        secrets.forEach(builder::secret);
        Masker masker = builder.build();
        byte[] output = output(random, secrets, OUTPUT_BYTES);
        selfCheck(masker, output);

        OutputStream nowhere = OutputStream.nullOutputStream();
        byte[] copy = new byte[output.length];
        MessageDigest sha = ArtifactIds.sha256();
        long[] lines = {0};
        List<Task> tasks = List.of(
                new Task("mask_stream_64k", () -> {
                    try {
                        MaskingOutputStream s = masker.wrap(nowhere);
                        for (int off = 0; off < output.length; off += CHUNK) {
                            s.write(output, off, Math.min(CHUNK, output.length - off));
                        }
                        s.finish(); // not close(): the null stream must stay open for the next round
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return 1;
                }),
                new Task("mask_buffer", () -> masker.mask(output).length),
                new Task("mask_lines_64k", () -> {
                    try (var l = masker.lines(line -> lines[0]++)) {
                        for (int off = 0; off < output.length; off += CHUNK) {
                            l.write(output, off, Math.min(CHUNK, output.length - off));
                        }
                    }
                    return lines[0];
                }),
                new Task("scan_only", () -> masker.find(output).size()),
                new Task("plain_copy_64k", () -> {
                    for (int off = 0; off < output.length; off += CHUNK) {
                        System.arraycopy(output, off, copy, off, Math.min(CHUNK, output.length - off));
                    }
                    return copy[copy.length - 1];
                }),
                new Task("sha256", () -> sha.digest(output)[0]));
        Harness harness = new Harness(settings);
        List<Measurement> m = harness.measure(tasks);

        double mb = output.length / 1e6;
        Figure stream = m.get(0).figure("mask_stream_64k", "MB/s", mb);
        Figure buffer = m.get(1).figure("mask_buffer", "MB/s", mb);
        Figure lineFigure = m.get(2).figure("mask_lines_64k", "MB/s", mb);
        Figure scan = m.get(3).figure("scan_only", "MB/s", mb);
        Figure plain = m.get(4).figure("plain_copy_64k", "MB/s", mb);
        Figure sha256 = m.get(5).figure("sha256", "MB/s", mb);
        long secretBytes = secrets.values().stream().mapToLong(v -> v.length).sum();
        return new BenchReport(
                name(),
                BenchReport.Environment.current(),
                BenchReport.Settings.of(settings, harness),
                List.of(
                        Input.documents("step_output", 1, output.length),
                        Input.documents("secrets", secrets.size(), secretBytes),
                        Input.documents("masked_byte_strings", masker.patternCount(), masker.patternBytes())),
                List.of(stream, buffer, lineFigure, scan),
                List.of(plain, sha256),
                List.of(
                        Ratio.of("mask_stream_vs_plain_copy", stream, plain, Optional.empty()),
                        Ratio.of("mask_stream_vs_sha256", stream, sha256, Optional.empty()),
                        Ratio.of("scan_only_vs_plain_copy", scan, plain, Optional.empty())));
    }

    /** The masker must find the planted occurrences and leave none, and the stream must equal the one-shot result. */
    private void selfCheck(Masker masker, byte[] output) {
        int planted = masker.find(output).size();
        byte[] masked = masker.mask(output);
        ByteArrayOutputStream streamed = new ByteArrayOutputStream(output.length);
        try (MaskingOutputStream s = masker.wrap(streamed)) {
            for (int off = 0; off < output.length; off += CHUNK) {
                s.write(output, off, Math.min(CHUNK, output.length - off));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (planted < 100) {
            throw BenchException.selfCheckFailed(name(), "only " + planted + " occurrences found in the output");
        }
        if (!masker.find(masked).isEmpty()) {
            throw BenchException.selfCheckFailed(name(), "occurrences are left after masking");
        }
        if (!Arrays.equals(streamed.toByteArray(), masked)) {
            throw BenchException.selfCheckFailed(name(), "the stream and the one-shot mask differ");
        }
    }

    // ------------------------------------------------------------------ inputs

    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** Ten secrets of the kinds steps use. */
    static Map<String, byte[]> secrets(Random random) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("GITHUB_TOKEN", "ghp_" + text(random, ALNUM, 36));
        s.put("AWS_SECRET_ACCESS_KEY", text(random, ALNUM + "+/", 40));
        s.put("NPM_TOKEN", "npm_" + text(random, ALNUM, 36));
        s.put("DB_PASSWORD", "p@ss w0rd/" + text(random, ALNUM + "!#%&*()-_=+[]{};:,.<>?", 14));
        s.put(
                "SLACK_WEBHOOK",
                "https://hooks.slack.com/services/T" + text(random, ALNUM, 8) + "/B" + text(random, ALNUM, 8) + "/"
                        + text(random, ALNUM, 24));
        s.put("API_KEY_HEX", text(random, "0123456789abcdef", 64));
        s.put("JWT", "eyJhbGciOiJIUzI1NiJ9." + text(random, ALNUM + "-_", 120) + "." + text(random, ALNUM + "-_", 43));
        s.put("PASSPHRASE", "grüne Äpfel – " + text(random, ALNUM, 12) + " 東京");
        s.put("SIGNING_SECRET", text(random, ALNUM, 32));
        StringBuilder pem = new StringBuilder("-----BEGIN PRIVATE KEY-----\n");
        for (int i = 0; i < 25; i++) {
            pem.append(text(random, ALNUM + "+/", 64)).append('\n');
        }
        pem.append("-----END PRIVATE KEY-----\n");
        s.put("DEPLOY_KEY", pem.toString());
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        s.forEach((k, v) -> bytes.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return bytes;
    }

    /** Build-like output with, about every 40 KB, one secret in one of its forms. */
    static byte[] output(Random random, Map<String, byte[]> secrets, int size) {
        List<byte[]> values = new ArrayList<>(secrets.values());
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 4096);
        HexFormat hex = HexFormat.of();
        int line = 0;
        while (out.size() < size) {
            line++;
            String text =
                    switch (random.nextInt(6)) {
                        case 0 ->
                            "[INFO] Compiling " + random.nextInt(900) + " source files with javac [debug release 21] to"
                                    + " target/classes\n";
                        case 1 -> "  sha256:" + hex.formatHex(bytes(random, 32)) + "  layer " + line + " pushed\n";
                        case 2 ->
                            "data: " + Base64.getEncoder().encodeToString(bytes(random, 48 + random.nextInt(60)))
                                    + "\n";
                        case 3 ->
                            "{\"level\":\"info\",\"ts\":" + (1_700_000_000_000L + line) + ",\"msg\":\"request served\","
                                    + "\"path\":\"/api/v1/items/" + random.nextInt(100_000)
                                    + "\",\"status\":200,\"ms\":"
                                    + random.nextInt(500) + "}\n";
                        case 4 -> "test " + text(random, ALNUM, 12) + " ... ok (" + random.nextInt(90) + " ms)\n";
                        default ->
                            "warning: unused variable `" + text(random, "abcdefghijklmnopqrstuvwxyz_", 10)
                                    + "` at src/lib.rs:" + random.nextInt(400) + ":" + random.nextInt(80) + "\n";
                    };
            out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            if (line % 400 == 0) {
                byte[] v = values.get(random.nextInt(values.size()));
                byte[] form =
                        switch (random.nextInt(4)) {
                            case 0 -> v;
                            case 1 -> Base64.getEncoder().encode(v);
                            case 2 -> hex.formatHex(v).getBytes(StandardCharsets.US_ASCII);
                            default ->
                                ("{\"token\":\"" + new String(v, StandardCharsets.UTF_8).replace("\n", "\\n") + "\"}")
                                        .getBytes(StandardCharsets.UTF_8);
                        };
                out.writeBytes("export VALUE=".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(form);
                out.write('\n');
            }
        }
        return Arrays.copyOf(out.toByteArray(), size);
    }

    private static String text(Random random, String alphabet, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
