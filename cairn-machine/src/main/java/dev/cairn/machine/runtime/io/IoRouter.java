package dev.cairn.machine.runtime.io;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoException;
import java.util.Map;
import java.util.Objects;

/**
 * Routes a namespace to the transport of the longest registered group that contains it: a group
 * {@code g} contains namespace {@code n} when {@code n == g} or {@code n} starts with {@code g + "."}.
 * So with {@code nix} and {@code nix.exec} registered, {@code nix.exec} and {@code nix.exec.run} go
 * to {@code nix.exec}, {@code nix.eval} to {@code nix}, and {@code nixos} to neither.
 */
public final class IoRouter {

    private final IoTransportRegistry registry;

    public IoRouter(IoTransportRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The registry this router reads. */
    public IoTransportRegistry registry() {
        return registry;
    }

    /**
     * The transport for {@code namespace}.
     *
     * @throws IoException {@code io_unknown_namespace} when no group contains it; the message names
     *     the namespace, never the request
     */
    public IoTransport route(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        IoTransport best = null;
        int bestLength = -1;
        for (Map.Entry<String, IoTransport> entry : registry.transports().entrySet()) {
            String group = entry.getKey();
            boolean contains = namespace.equals(group)
                    || (namespace.length() > group.length()
                            && namespace.startsWith(group)
                            && namespace.charAt(group.length()) == '.');
            if (contains && group.length() > bestLength) {
                best = entry.getValue();
                bestLength = group.length();
            }
        }
        if (best == null) {
            throw unknownNamespace(namespace, registry);
        }
        return best;
    }

    private static IoException unknownNamespace(String namespace, IoTransportRegistry registry) {
        var details = JsonNodeFactory.instance.objectNode().put("namespace", namespace);
        var groups = details.putArray("registered_groups");
        registry.transports().keySet().forEach(groups::add);
        ErrorInfo info = ErrorInfo.of(
                        IoCodes.IO_UNKNOWN_NAMESPACE,
                        ErrorCategory.UNKNOWN,
                        false,
                        "no IO transport is registered for namespace `" + namespace + "`")
                .withDetails(details);
        return new IoException(
                new dev.cairn.machine.errors.IoError.Other(info),
                "Register a transport for the namespace (or a group containing it) with"
                        + " IoTransportRegistry.builder().register(group, transport) and pass it to the engine.",
                null);
    }
}
