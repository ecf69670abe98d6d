package dev.cairn.executor.protocol;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;

/**
 * The isolation a step's cell gives it. On the wire: {@code "process"} or {@code "sandbox"}.
 */
@WireEnum(variants = VariantCase.SNAKE_CASE)
public enum CellProfile {
    /**
     * A plain host process in the workspace directory, with the resource limits applied as
     * rlimits. No isolation beyond that: the step sees the host's filesystem, processes and
     * network, so its {@link NetworkGrant} documents intent but is not enforced. For trusted steps
     * on a developer's machine.
     */
    PROCESS,
    /**
     * An isolated cell: own PID and network namespaces, no capabilities, writes only inside the
     * workspace, network only to the hosts its {@link NetworkGrant} allows. The default. A backend
     * that cannot provide it refuses the step rather than running it less isolated.
     */
    SANDBOX
}
