package dev.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.Canonical;
import java.util.HexFormat;
import java.util.Random;

/**
 * Deterministic, realistic JSON for benchmarks: run records of kernel-like events, with keys in
 * non-canonical order, non-ASCII strings, escapes, integers, fractional numbers, booleans, nulls,
 * hex ids and nesting. The same seed always gives the same documents.
 */
public final class BenchDocuments {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String[] TYPES = {"StateEntered", "StateCompleted", "StateFailed", "FactRecorded"};
    private static final String[] WORDS = {
        "build",
        "deploy",
        "zürich",
        "東京",
        "résumé",
        "naïve",
        "step",
        "cache",
        "hit",
        "miss",
        "ok",
        "🚀",
        "snapshot",
        "artifact",
        "\"quoted\"",
        "tab\there",
        "línea\nnueva",
        "ünïcödé"
    };

    private final Random random;

    public BenchDocuments(long seed) {
        this.random = new Random(seed);
    }

    /** A run record whose canonical form has at least {@code minBytes} bytes. */
    public JsonNode runRecord(int minBytes) {
        ObjectNode run = NODES.objectNode();
        run.put("run_id", uuid());
        run.put("op_id", "portfolio_snapshot");
        run.put("op_version", "1.4." + random.nextInt(20));
        ArrayNode events = run.putArray("events");
        // Events come in batches of about 1/16 of the target: checking after every event would be quadratic.
        int batch = Math.max(1, minBytes / 16 / 500);
        int seq = 1;
        while (true) {
            for (int i = 0; i < batch; i++) {
                events.add(event(seq++));
            }
            if (Canonical.canonicalize(run).length >= minBytes) {
                return run;
            }
        }
    }

    private ObjectNode event(int seq) {
        ObjectNode e = NODES.objectNode();
        e.put("type", TYPES[random.nextInt(TYPES.length)]);
        e.put("seq", seq);
        e.put("state_id", "machine.main.step_" + random.nextInt(200));
        e.put("attempt", 1 + random.nextInt(3));
        e.put("context_snapshot_id", hex(32));
        ObjectNode metrics = e.putObject("metrics");
        metrics.put("duration_ms", Math.round(random.nextDouble() * 1e6) / 1e3);
        metrics.put("cpu_ratio", random.nextDouble());
        metrics.put("bytes_out", random.nextLong(1L << 40));
        ArrayNode labels = e.putArray("labels");
        for (int i = random.nextInt(4); i >= 0; i--) {
            labels.add(WORDS[random.nextInt(WORDS.length)]);
        }
        e.put("message", sentence());
        e.put("ok", random.nextBoolean());
        e.putNull("error");
        ObjectNode payload = e.putObject("payload");
        payload.put("z_last", random.nextInt(1000));
        payload.put("a_first", sentence());
        payload.put("m_middle", random.nextGaussian() * 1e-9);
        return e;
    }

    private String sentence() {
        StringBuilder s = new StringBuilder();
        for (int i = 3 + random.nextInt(8); i > 0; i--) {
            s.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        return s.toString().strip();
    }

    private String uuid() {
        String h = hex(16);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }

    private String hex(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
