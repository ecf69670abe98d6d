package dev.cairn.executor.protocol;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.json.wire.WireSize;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The network a step may reach. No network unless granted: the default is {@link None}.
 *
 * <p>Externally tagged, snake_case: {@code "none"} or {@code {"allow":["registry.npmjs.org:443"]}}.
 */
@WireEnum(variants = VariantCase.SNAKE_CASE)
public sealed interface NetworkGrant {

    /** No network at all (not even loopback to the host). */
    record None() implements NetworkGrant {}

    /** Only these destinations; at least one, no duplicates, in the order given. */
    @Transparent
    record Allow(@WireSize(min = 1) List<HostPort> value) implements NetworkGrant {
        public Allow {
            Objects.requireNonNull(value, "allow");
            value = List.copyOf(value);
            if (value.isEmpty()) {
                throw ExecutorProtocolException.invalidNetworkGrant("`allow` lists no host; grant `none` instead");
            }
            if (new LinkedHashSet<>(value).size() != value.size()) {
                throw ExecutorProtocolException.invalidNetworkGrant("`allow` lists a host twice: " + value);
            }
        }
    }

    /** The grant of no network. */
    static NetworkGrant none() {
        return new None();
    }

    /** A grant of exactly these destinations ({@code host:port} strings). */
    static NetworkGrant allow(String... hostPorts) {
        return new Allow(java.util.Arrays.stream(hostPorts).map(HostPort::new).toList());
    }
}
