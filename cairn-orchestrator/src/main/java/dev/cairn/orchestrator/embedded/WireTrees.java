package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.api.lease.OutputArtifact;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The wire trees of the records a step's state builds for every task ({@link TaskRequest}, {@link
 * StepRecord}, {@link TaskResult}), written member by member: the same trees as {@code Wire.toTree}
 * (the record's components in order, snake_case, empty optionals as {@code null}), without the
 * codec's reflective walk of the records and its copy of the JSON values they carry, which these
 * trees share (nothing writes to them; the kernel copies what it keeps: an {@code IoCall} its
 * request, the context what is written to it). The one difference of sharing: the codec's copy
 * writes a {@code BigDecimal} without trailing zeros ({@code 5.50} as {@code 5.5}), the shared node
 * keeps them; it is an equal node with the same canonical JSON, and the kernel's copy of a call's
 * request turns it into the same double. {@code WireTreesTest} holds each tree to {@code
 * Wire.toTree}: equal nodes, same canonical bytes, same wire text.
 */
final class WireTrees {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private WireTrees() {}

    /** {@code Wire.toTree(request)}. */
    static JsonNode request(TaskRequest request) {
        ObjectNode out = F.objectNode();
        out.put("step_id", request.stepId());
        out.put("capability", request.capability());
        ObjectNode labels = out.putObject("labels");
        for (Map.Entry<String, String> label : request.labels().entrySet()) {
            labels.put(label.getKey(), label.getValue());
        }
        out.set("meta", request.meta());
        ArrayNode cids = out.putArray("inputs_cids");
        request.inputsCids().forEach(cids::add);
        out.set("timeout", duration(request.timeout()));
        out.set("backoff", Wire.toTree(request.backoff()));
        out.put("mode", request.mode());
        return out;
    }

    /** {@code Wire.toTree(record)}. */
    static JsonNode stepRecord(StepRecord record) {
        ObjectNode out = F.objectNode();
        out.put("step_id", record.stepId());
        out.put("capability", record.capability());
        if (record.exitCode().isPresent()) {
            out.put("exit_code", record.exitCode().get());
        } else {
            out.putNull("exit_code");
        }
        out.set("outputs", outputs(record.outputs()));
        out.set("result", record.result());
        optional(out, "snapshot", record.snapshot().orElse(null));
        optional(out, "cache", record.cache().orElse(null));
        return out;
    }

    /** {@code Wire.toTree(outputs)}. */
    static ArrayNode outputs(List<OutputArtifact> outputs) {
        ArrayNode out = F.arrayNode(outputs.size());
        for (OutputArtifact o : outputs) {
            out.addObject()
                    .put("key", o.key())
                    .put("artifact_id", o.artifactId())
                    .put("mime", o.mime())
                    .put("size_bytes", o.sizeBytes())
                    .put("executable", o.executable());
        }
        return out;
    }

    /** {@code Wire.toTree(inputs)}. */
    static ArrayNode inputs(List<InputFile> inputs) {
        ArrayNode out = F.arrayNode(inputs.size());
        for (InputFile file : inputs) {
            out.addObject()
                    .put("path", file.path())
                    .put("artifact_id", file.artifactId())
                    .put("executable", file.executable());
        }
        return out;
    }

    private static ObjectNode duration(Duration d) {
        return F.objectNode().put("secs", d.getSeconds()).put("nanos", d.getNano());
    }

    private static void optional(ObjectNode out, String field, String value) {
        if (value == null) {
            out.putNull(field);
        } else {
            out.put(field, value);
        }
    }
}
