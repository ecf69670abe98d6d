package dev.cairn.cells;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What the runtime knows about one cell at one moment.
 *
 * @param cellId the spec's cell id
 * @param key host-unique key of this cell instance (JVM pid and a sequence number); names its scratch
 *     directory and cgroups, and is the {@code CAIRN_CELL_KEY} marker of process-profile cells
 * @param profile the profile actually used ({@link CellProfile#SANDBOX} or {@link CellProfile#PROCESS})
 * @param fallbackReason why {@link CellProfile#AUTO} fell back to the process profile, when it did
 * @param hostUid the host uid the sandbox runs as, when Cairn runs as root and drops to a per-cell uid
 * @param pid host pid of the spawned process (bwrap for the sandbox), once started
 * @param cgroups the cell's cgroup directories (v1), empty when cgroups are not used
 * @param network the network policy as given
 * @param scratchDir the cell's host scratch directory (tmpfs), when it has one
 * @param workspace the host workspace
 * @param notes plain-language statements of what is and is not enforced for this cell
 */
public record CellHandle(
        String cellId,
        String key,
        CellProfile profile,
        Optional<String> fallbackReason,
        OptionalInt hostUid,
        OptionalLong pid,
        List<Path> cgroups,
        NetworkPolicy network,
        Optional<Path> scratchDir,
        Path workspace,
        List<String> notes) {

    public CellHandle {
        Objects.requireNonNull(cellId, "cell_id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(fallbackReason, "fallback_reason");
        Objects.requireNonNull(hostUid, "host_uid");
        Objects.requireNonNull(pid, "pid");
        cgroups = List.copyOf(cgroups);
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(scratchDir, "scratch_dir");
        Objects.requireNonNull(workspace, "workspace");
        notes = List.copyOf(notes);
    }

    CellHandle withPid(long newPid) {
        return new CellHandle(
                cellId,
                key,
                profile,
                fallbackReason,
                hostUid,
                OptionalLong.of(newPid),
                cgroups,
                network,
                scratchDir,
                workspace,
                notes);
    }
}
