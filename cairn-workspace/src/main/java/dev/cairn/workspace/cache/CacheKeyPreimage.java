package dev.cairn.workspace.cache;

import dev.cairn.executor.protocol.CellProfile;
import dev.cairn.executor.protocol.NetworkGrant;
import dev.cairn.executor.protocol.Run;
import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.json.wire.WireRange;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The document a cache key is the SHA-256 of (its RFC 8785 canonical JSON). It holds no secret
 * value: declared secrets appear by name, delivery and a keyed digest of their version. The action
 * cache keeps it with each entry, so that {@code cairn cache show} can say what a key is made of and
 * two preimages can be compared to see why a step missed.
 *
 * @param format the key format, {@value #FORMAT}; a new format gives every step a new key
 * @param run the argv, or the script with its shell (the protocol's {@code Run})
 * @param env the effective non-secret environment, sorted by name
 * @param workdir the working directory, relative to the workspace root
 * @param inputs the input trees by name
 * @param parentSnapshot the tree a chained step starts from; {@code null} when none
 * @param cell the isolation profile
 * @param network the network grant
 * @param outputs the declared output globs, in declared order
 * @param executorVersion the executor and its version
 * @param secrets the declared secrets by name
 */
@DenyUnknownFields
public record CacheKeyPreimage(
        @WireRange(min = FORMAT, max = FORMAT) int format,
        Run run,
        SortedMap<String, String> env,
        String workdir,
        SortedMap<String, TreeId> inputs,
        Optional<TreeId> parentSnapshot,
        CellProfile cell,
        NetworkGrant network,
        List<String> outputs,
        String executorVersion,
        SortedMap<String, SecretDigest> secrets) {

    /** The key format this code computes. */
    public static final int FORMAT = 1;

    public CacheKeyPreimage {
        if (format != FORMAT) {
            throw WorkspaceException.invalidValue(
                    "format", "is " + format + "; this Cairn computes cache keys of format " + FORMAT);
        }
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(workdir, "workdir");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(parentSnapshot, "parent_snapshot");
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(network, "network");
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(executorVersion, "executor_version");
        Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * What a declared secret contributes to a key.
     *
     * @param delivery how the step receives it
     * @param versionDigest the HMAC-SHA256 of its version under the host key ({@link
     *     HostKey#versionDigest}), lowercase hex
     */
    @DenyUnknownFields
    public record SecretDigest(String delivery, @WirePattern("^[0-9a-f]{64}$") String versionDigest) {
        public SecretDigest {
            Objects.requireNonNull(delivery, "delivery");
            Objects.requireNonNull(versionDigest, "version_digest");
        }
    }
}
