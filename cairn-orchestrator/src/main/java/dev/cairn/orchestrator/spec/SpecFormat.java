package dev.cairn.orchestrator.spec;

import java.util.Locale;

/** The syntax a spec is written in. */
public enum SpecFormat {
    /** YAML 1.2 (one document; anchors, aliases and merge keys allowed; no custom tags). */
    YAML,
    /** JSON (RFC 8259). */
    JSON;

    /**
     * The format of a document: by its name's extension ({@code .json}; {@code .yaml} or {@code
     * .yml}), else by its content (JSON when its first non-blank character is <code>{</code>).
     */
    public static SpecFormat detect(String sourceName, String text) {
        String name = sourceName == null ? "" : sourceName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return JSON;
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return YAML;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                return JSON;
            }
            if (!Character.isWhitespace(c) && c != '\uFEFF') {
                return YAML;
            }
        }
        return YAML;
    }
}
