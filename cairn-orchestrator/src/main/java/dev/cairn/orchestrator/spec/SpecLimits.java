package dev.cairn.orchestrator.spec;

/**
 * Limits that protect the spec reader from hostile documents. Every limit is checked before the
 * work it bounds, so a document that breaks one costs time linear in the bytes read.
 *
 * @param maxBytes the largest document accepted, in bytes; default {@value #DEFAULT_MAX_BYTES} (1 MiB)
 * @param maxDepth the deepest nesting of mappings and lists; default {@value #DEFAULT_MAX_DEPTH}
 * @param maxNodes the most values a document may hold once YAML aliases are expanded; default
 *     {@value #DEFAULT_MAX_NODES} (a "billion laughs" document stops here)
 * @param maxAliases the most alias uses ({@code *name}) in a document; default {@value
 *     #DEFAULT_MAX_ALIASES}
 */
public record SpecLimits(int maxBytes, int maxDepth, int maxNodes, int maxAliases) {

    public static final int DEFAULT_MAX_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_DEPTH = 64;
    public static final int DEFAULT_MAX_NODES = 100_000;
    public static final int DEFAULT_MAX_ALIASES = 1_000;

    /** The defaults. */
    public static final SpecLimits DEFAULTS =
            new SpecLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, DEFAULT_MAX_NODES, DEFAULT_MAX_ALIASES);

    public SpecLimits {
        positive("max_bytes", maxBytes);
        positive("max_depth", maxDepth);
        positive("max_nodes", maxNodes);
        if (maxAliases < 0) {
            throw new IllegalArgumentException("max_aliases must not be negative, got " + maxAliases);
        }
    }

    private static void positive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(field + " must be at least 1, got " + value);
        }
    }

    /** A builder starting from {@link #DEFAULTS}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link SpecLimits}; not thread-safe. */
    public static final class Builder {
        private int maxBytes = DEFAULT_MAX_BYTES;
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private int maxNodes = DEFAULT_MAX_NODES;
        private int maxAliases = DEFAULT_MAX_ALIASES;

        private Builder() {}

        public Builder maxBytes(int value) {
            this.maxBytes = value;
            return this;
        }

        public Builder maxDepth(int value) {
            this.maxDepth = value;
            return this;
        }

        public Builder maxNodes(int value) {
            this.maxNodes = value;
            return this;
        }

        public Builder maxAliases(int value) {
            this.maxAliases = value;
            return this;
        }

        public SpecLimits build() {
            return new SpecLimits(maxBytes, maxDepth, maxNodes, maxAliases);
        }
    }
}
