package dev.cairn.cell.api;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A running cell, as its {@link CellBackend} describes it after {@link
 * CellBackend#create(ExecutionCellDocument) create}: the cell id plus what the backend set up.
 *
 * <ul>
 *   <li>{@code cgroupPath}: the cgroup leaf directory the backend created for the cell, if any; the
 *       caller places the command's process in it after spawning.
 *   <li>{@code nftRulesApplied}: {@code true} if the backend applied network enforcement, {@code
 *       false} if it owns networking but enforcement was off, empty if it does not own the network
 *       (the caller's own command path then enforces and reports it).
 *   <li>{@code kernelDigestSha256}, {@code rootfsDigestSha256}, {@code firecrackerDigestSha256}:
 *       verified SHA-256 (lowercase hex) of the boot artifacts, for backends that boot a verified
 *       image; empty otherwise.
 * </ul>
 *
 * <p>Host-specific and in-process only: it has no wire form (record what it tells in events).
 */
public record CellHandle(
        String cellId,
        Optional<Path> cgroupPath,
        Optional<Boolean> nftRulesApplied,
        Optional<String> kernelDigestSha256,
        Optional<String> rootfsDigestSha256,
        Optional<String> firecrackerDigestSha256) {

    public CellHandle {
        Checks.nonBlank(cellId, "cellId");
        Checks.optional(cgroupPath, "cgroupPath");
        Checks.optional(nftRulesApplied, "nftRulesApplied");
        Checks.sha256(kernelDigestSha256, "kernelDigestSha256");
        Checks.sha256(rootfsDigestSha256, "rootfsDigestSha256");
        Checks.sha256(firecrackerDigestSha256, "firecrackerDigestSha256");
    }

    /** A handle that reports nothing but the cell id. */
    public static CellHandle of(String cellId) {
        return new CellHandle(
                cellId, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** This handle with {@code cgroupPath} set. */
    public CellHandle withCgroupPath(Path value) {
        return new CellHandle(
                cellId,
                Optional.of(value),
                nftRulesApplied,
                kernelDigestSha256,
                rootfsDigestSha256,
                firecrackerDigestSha256);
    }

    /** This handle with {@code nftRulesApplied} set. */
    public CellHandle withNftRulesApplied(boolean value) {
        return new CellHandle(
                cellId,
                cgroupPath,
                Optional.of(value),
                kernelDigestSha256,
                rootfsDigestSha256,
                firecrackerDigestSha256);
    }
}
