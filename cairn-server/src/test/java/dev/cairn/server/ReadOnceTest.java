package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.contracts.RunRequest;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link Exchange#readJson} relies on to read a body once: a body that reads as its type gives
 * the value that reading it as a tree, then the type from the tree, gives (the way it read every
 * body before, and still reads those that do not read as the type, for their errors).
 */
class ReadOnceTest {

    private static <T> void assertSame(String body, Class<T> type) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Object once = outcome(() -> Wire.read(bytes, type));
        Object viaTree = outcome(() -> Wire.fromTree(Wire.read(bytes, JsonNode.class), type));
        assertThat(once).as(body).isEqualTo(viaTree);
        if (!(once instanceof String)) {
            assertThat(Wire.write(once)).as(body).isEqualTo(Wire.write(viaTree));
        }
    }

    /** The value read, or the error (its code, pointer and message) as text. */
    private static Object outcome(java.util.function.Supplier<?> read) {
        try {
            return read.get();
        } catch (JsonException e) {
            return e.code() + " at " + e.path() + ": " + e.getMessage();
        }
    }

    @Test
    void aBodyReadOnceIsTheValueReadThroughItsTree() {
        for (String body : List.of(
                "{\"spec\": {\"op\": \"x\", \"steps\": [{\"id\": \"a\", \"run\": \"echo é 😀 \\u0001\"}]}}",
                "{\"spec\": {\"n\": [1, -0, 2147483648, 12345678901234567890123, 1.5, 1e400, -0.0, 1.000000000000000000001]},"
                        + " \"params\": {\"b\": \"2\", \"a\": \"1\"}, \"dry_run\": true}",
                "{\"spec\": {}, \"unknown\": {\"deep\": [[[{\"x\": 1e5}]]], \"s\": \"\\ud83d\\ude00\"}, \"run_id\": null}",
                "{\"spec\": {\"a\": null, \"b\": false}, \"run_id\": \"0f0e0d0c-0b0a-4908-8706-050403020100\"}")) {
            assertSame(body, PipelineRunRequest.class);
        }
        assertSame(
                "{\"runners\": [{\"name\": \"r\", \"input\": {\"k\": [1, 2.25, \"v\"]}}], \"mode\": \"Local\","
                        + " \"concurrency\": 2, \"timeout\": 9007199254740991}",
                RunRequest.class);
    }
}
