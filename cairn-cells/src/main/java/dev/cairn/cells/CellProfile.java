package dev.cairn.cells;

/** How a cell is isolated from the host. */
public enum CellProfile {
    /** {@link #SANDBOX} where bubblewrap works on this machine, else {@link #PROCESS} with a stated reason. */
    AUTO,
    /**
     * A host subprocess in its own session and process group, with rlimits (and cgroups where the machine
     * offers them). No filesystem, network or PID isolation.
     */
    PROCESS,
    /**
     * A bubblewrap sandbox: user, PID, network, IPC, UTS, cgroup and mount namespaces; read-only system
     * directories; a writable workspace; private tmpfs; no capabilities; {@code no_new_privs}.
     */
    SANDBOX
}
