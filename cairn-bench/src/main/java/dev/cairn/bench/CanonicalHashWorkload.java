package dev.cairn.bench;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cairn.bench.BenchReport.Figure;
import dev.cairn.bench.BenchReport.Input;
import dev.cairn.bench.BenchReport.Ratio;
import dev.cairn.bench.Harness.Measurement;
import dev.cairn.bench.Harness.Task;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code canonical-hash}: the throughput of {@link ArtifactIds#ofJson} (RFC 8785 canonicalization
 * of a Jackson tree streamed into SHA-256) on one 1 MB document and on 1,024 documents of about
 * 1 KB, beside raw SHA-256 of the same canonical bytes. Also reported: parsing the JSON text
 * strictly first ({@code parse_canonical_hash_1mb}), the path of {@code cairn json hash}, and a
 * second baseline, Jackson writing the same tree as plain (unsorted, unhashed) JSON to a null
 * stream ({@code jackson_write_1mb}), to show what a tree walk costs on the machine.
 *
 * <p>Goal: {@code canonical_hash_1mb} at 0.3 × {@code sha256_1mb} or better. MB are 10^6 bytes of
 * canonical JSON.
 */
public final class CanonicalHashWorkload implements Workload {

    /** The ratio the goal applies to. */
    public static final double GOAL = 0.3;

    private static final long SEED = 8785;
    private static final int SMALL_DOCUMENTS = 1024;

    @Override
    public String name() {
        return "canonical-hash";
    }

    @Override
    public String description() {
        return "RFC 8785 canonicalize + SHA-256 of a 1 MB and of 1,024 x 1 KB JSON documents,"
                + " against raw SHA-256 of the same bytes (goal: >= 0.3x)";
    }

    @Override
    public BenchReport run(BenchSettings settings) {
        BenchDocuments documents = new BenchDocuments(SEED);
        JsonNode large = documents.runRecord(1_000_000);
        byte[] largeCanonical = Canonical.canonicalize(large);
        byte[] largeText = Wire.writeBytes(large);
        List<JsonNode> small = new ArrayList<>();
        List<byte[]> smallCanonical = new ArrayList<>();
        long smallBytes = 0;
        for (int i = 0; i < SMALL_DOCUMENTS; i++) {
            JsonNode doc = documents.runRecord(1_000);
            small.add(doc);
            smallCanonical.add(Canonical.canonicalize(doc));
            smallBytes += smallCanonical.getLast().length;
        }
        selfCheck(large, largeCanonical, largeText);
        selfCheck(small.getFirst(), smallCanonical.getFirst(), Wire.writeBytes(small.getFirst()));

        MessageDigest sha = ArtifactIds.sha256();
        ObjectMapper jackson = JsonMapper.builder()
                .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
                .build();
        OutputStream nowhere = OutputStream.nullOutputStream();
        int[] next = {0, 0};
        List<Task> tasks = List.of(
                new Task("canonical_hash_1mb", () -> ArtifactIds.ofJson(large).charAt(0)),
                new Task("sha256_1mb", () -> sha.digest(largeCanonical)[0]),
                new Task("jackson_write_1mb", () -> {
                    try {
                        jackson.writeValue(nowhere, large);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return 1;
                }),
                new Task("parse_canonical_hash_1mb", () -> ArtifactIds.ofJson(StrictJson.parse(largeText))
                        .charAt(0)),
                new Task("canonical_hash_1kb", () -> ArtifactIds.ofJson(small.get(next[0]++ & (SMALL_DOCUMENTS - 1)))
                        .charAt(0)),
                new Task("sha256_1kb", () -> sha.digest(smallCanonical.get(next[1]++ & (SMALL_DOCUMENTS - 1)))[0]));
        Harness harness = new Harness(settings);
        List<Measurement> m = harness.measure(tasks);

        double largeMb = largeCanonical.length / 1e6;
        double smallMb = smallBytes / (double) SMALL_DOCUMENTS / 1e6;
        Figure canonical1mb = m.get(0).figure("canonical_hash_1mb", "MB/s", largeMb);
        Figure sha1mb = m.get(1).figure("sha256_1mb", "MB/s", largeMb);
        Figure jackson1mb = m.get(2).figure("jackson_write_1mb", "MB/s", largeMb);
        Figure parse1mb = m.get(3).figure("parse_canonical_hash_1mb", "MB/s", largeMb);
        Figure canonical1kb = m.get(4).figure("canonical_hash_1kb", "MB/s", smallMb);
        Figure docs1kb = m.get(4).figure("canonical_hash_1kb_docs", "docs/s", 1);
        Figure sha1kb = m.get(5).figure("sha256_1kb", "MB/s", smallMb);
        return new BenchReport(
                name(),
                BenchReport.Environment.current(),
                BenchReport.Settings.of(settings, harness),
                List.of(
                        Input.documents("document_1mb", 1, largeCanonical.length),
                        Input.documents("documents_1kb", SMALL_DOCUMENTS, smallBytes)),
                List.of(canonical1mb, parse1mb, canonical1kb, docs1kb),
                List.of(sha1mb, jackson1mb, sha1kb),
                List.of(
                        Ratio.of("canonical_hash_1mb_vs_sha256", canonical1mb, sha1mb, Optional.of(GOAL)),
                        Ratio.of("canonical_hash_1mb_vs_jackson_write", canonical1mb, jackson1mb, Optional.empty()),
                        Ratio.of("parse_canonical_hash_1mb_vs_sha256", parse1mb, sha1mb, Optional.empty()),
                        Ratio.of("canonical_hash_1kb_vs_sha256", canonical1kb, sha1kb, Optional.empty())),
                List.of());
    }

    /** The work measured must be right: the tree's id, the text's id and the bytes' digest agree. */
    private void selfCheck(JsonNode tree, byte[] canonical, byte[] text) {
        String expected = HexFormat.of().formatHex(ArtifactIds.sha256().digest(canonical));
        String fromTree = ArtifactIds.ofJson(tree);
        String fromText = ArtifactIds.ofJson(StrictJson.parse(text));
        if (!expected.equals(fromTree) || !expected.equals(fromText)) {
            throw BenchException.selfCheckFailed(
                    name(), "ids differ: bytes " + expected + ", tree " + fromTree + ", text " + fromText);
        }
    }
}
