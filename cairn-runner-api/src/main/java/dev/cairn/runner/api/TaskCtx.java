package dev.cairn.runner.api;

/**
 * Everything a {@link Runner} gets for one task: the lease, where to read inputs, where to write
 * outputs, and the control plane for cancellation, progress and logs.
 *
 * <p>The seed's newer revisions also pass a hot-swappable access-token provider; Cairn leaves it out
 * (the lease carries the token, and Cairn's own ports authenticate themselves).
 */
public record TaskCtx(LeaseEnvelope lease, InputSource input, ArtifactSink output, ControlPlane ctrl) {

    public TaskCtx {
        Checks.required(lease, "lease");
        Checks.required(input, "input");
        Checks.required(output, "output");
        Checks.required(ctrl, "ctrl");
    }

    /** The leased task, {@code lease().task()}. */
    public TaskSpec task() {
        return lease.task();
    }
}
