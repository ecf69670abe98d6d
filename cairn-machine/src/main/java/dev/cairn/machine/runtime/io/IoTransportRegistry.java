package dev.cairn.machine.runtime.io;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The transports an engine may use, each registered for a <em>namespace group</em>: a dot-separated
 * name such as {@code exec} or {@code nix.exec}. Immutable once built; the {@link IoRouter} decides
 * which group serves a namespace.
 */
public final class IoTransportRegistry {

    private static final IoTransportRegistry EMPTY = new IoTransportRegistry(Map.of());

    private final Map<String, IoTransport> transports;

    private IoTransportRegistry(Map<String, IoTransport> transports) {
        this.transports = Collections.unmodifiableMap(new TreeMap<>(transports));
    }

    /** A registry without transports: every live call fails with {@code io_unknown_namespace}. */
    public static IoTransportRegistry empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The transport registered for exactly {@code group}. */
    public Optional<IoTransport> get(String group) {
        return Optional.ofNullable(transports.get(group));
    }

    /** Every registered group and its transport, sorted by group. */
    public Map<String, IoTransport> transports() {
        return transports;
    }

    /** Builds an {@link IoTransportRegistry}; not thread-safe. */
    public static final class Builder {
        private final Map<String, IoTransport> transports = new TreeMap<>();

        private Builder() {}

        /**
         * Registers {@code transport} for namespace group {@code group}: non-empty dot-separated
         * segments of {@code [a-z0-9_-]}.
         *
         * @throws IllegalArgumentException when the group is malformed or already registered
         */
        public Builder register(String group, IoTransport transport) {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(transport, "transport");
            if (!validGroup(group)) {
                throw new IllegalArgumentException("namespace group `" + group
                        + "` is malformed: use dot-separated segments of lowercase letters, digits, `_` or `-`");
            }
            if (transports.putIfAbsent(group, transport) != null) {
                throw new IllegalArgumentException("namespace group `" + group + "` is already registered");
            }
            return this;
        }

        public IoTransportRegistry build() {
            return new IoTransportRegistry(transports);
        }

        private static boolean validGroup(String group) {
            if (group.isEmpty() || group.startsWith(".") || group.endsWith(".") || group.contains("..")) {
                return false;
            }
            for (int i = 0; i < group.length(); i++) {
                char c = group.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) {
                    return false;
                }
            }
            return true;
        }
    }
}
