package dev.cairn.machine.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed {@code config::BuildProvenance}: reproducibility metadata of the build that runs an
 * operation. The field names are the seed's (a Rust toolchain's) and are kept for wire
 * compatibility; a JVM build leaves the fields it has no equivalent for empty.
 *
 * @param gitCommit git commit of the build
 * @param cargoLockHash hash of {@code Cargo.lock}
 * @param flakeLockHash hash of {@code flake.lock}
 * @param rustcVersion compiler version used to build the operation
 * @param targetTriple target triple of the built artifact
 * @param envAllowlist names of environment variables intentionally allowed into provenance
 */
public record BuildProvenance(
        Optional<String> gitCommit,
        Optional<String> cargoLockHash,
        Optional<String> flakeLockHash,
        Optional<String> rustcVersion,
        Optional<String> targetTriple,
        List<String> envAllowlist) {

    public BuildProvenance {
        Objects.requireNonNull(gitCommit, "git_commit");
        Objects.requireNonNull(cargoLockHash, "cargo_lock_hash");
        Objects.requireNonNull(flakeLockHash, "flake_lock_hash");
        Objects.requireNonNull(rustcVersion, "rustc_version");
        Objects.requireNonNull(targetTriple, "target_triple");
        envAllowlist = List.copyOf(Objects.requireNonNull(envAllowlist, "env_allowlist"));
    }

    /** No provenance captured: every field empty. */
    public static BuildProvenance empty() {
        return new BuildProvenance(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }
}
