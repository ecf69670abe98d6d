package dev.cairn.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.cell.api.InferenceResponse;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The OpenAI chat-completions wire format, as far as the broker speaks it: the request body it
 * sends and the parts of the answer it reads ({@code choices[0].message.content}, {@code model},
 * {@code usage.{prompt,completion,total}_tokens}). An external protocol, so written with Jackson's
 * tree model rather than Cairn's wire codec.
 */
final class ChatProtocol {

    private ChatProtocol() {}

    /** {@code {"model","messages":[{"role":"user","content":prompt}],"max_tokens"}}. */
    static byte[] request(String model, String prompt, long maxTokens) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("model", model);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", prompt);
        body.put("max_tokens", maxTokens);
        return bytes(body);
    }

    /** Reads a chat completion; {@code malformed_response} naming what is missing otherwise. */
    static InferenceResponse response(byte[] body, String requestedModel) {
        JsonNode root;
        try {
            root = Wire.mapper().readTree(body);
        } catch (IOException e) {
            throw malformed("the body is not JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (root == null || !root.isObject()) {
            throw malformed("the body is not a JSON object");
        }
        JsonNode choices = root.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw malformed("`choices` is missing or empty");
        }
        JsonNode message = choices.get(0).get("message");
        if (message == null || !message.isObject()) {
            throw malformed("`choices[0].message` is missing");
        }
        JsonNode content = message.get("content");
        String text;
        if (content == null || content.isNull()) {
            text = "";
        } else if (content.isTextual()) {
            text = content.textValue();
        } else {
            throw malformed("`choices[0].message.content` is not a string");
        }
        JsonNode usage = root.get("usage");
        if (usage == null || !usage.isObject()) {
            throw malformed("`usage` is missing, so the call cannot be charged");
        }
        long prompt = count(usage, "prompt_tokens");
        long completion = count(usage, "completion_tokens");
        if (usage.has("total_tokens") && !usage.get("total_tokens").isNull()) {
            long total = count(usage, "total_tokens");
            if (total < prompt || total - prompt < completion) {
                throw malformed("`usage.total_tokens` " + total + " is less than prompt_tokens + completion_tokens");
            }
        }
        JsonNode model = root.get("model");
        String answered =
                model != null && model.isTextual() && !model.textValue().isBlank() ? model.textValue() : requestedModel;
        return new InferenceResponse(text, answered, prompt, completion);
    }

    /** The endpoint's {@code error.type}/{@code error.code} and message of an error body, if it has one. */
    static String errorSummary(byte[] body) {
        try {
            JsonNode root = Wire.mapper().readTree(body);
            JsonNode error = root == null ? null : root.get("error");
            if (error == null || !error.isObject()) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            for (String field : new String[] {"type", "code", "message"}) {
                JsonNode v = error.get(field);
                if (v != null && v.isValueNode() && !v.isNull()) {
                    out.append(out.isEmpty() ? "" : ", ")
                            .append(field)
                            .append(' ')
                            .append(v.asText());
                }
            }
            return out.toString();
        } catch (IOException e) {
            return "";
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return Wire.mapper().writeValueAsString(node).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree did not serialize", e);
        }
    }

    private static long count(JsonNode usage, String field) {
        JsonNode v = usage.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw malformed("`usage." + field + "` is missing or not a non-negative integer");
        }
        return v.longValue();
    }

    private static InferenceException malformed(String what) {
        return InferenceException.of(
                InferenceFailure.MALFORMED_RESPONSE, "the endpoint's answer is malformed: " + what);
    }
}
