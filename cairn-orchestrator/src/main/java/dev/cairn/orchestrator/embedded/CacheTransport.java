package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.executor.protocol.SecretMount;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.errors.StorageException;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.runtime.io.IoCallContext;
import dev.cairn.machine.runtime.io.IoTransport;
import dev.cairn.runner.api.lease.OutputArtifact;
import dev.cairn.workspace.FileMode;
import dev.cairn.workspace.TreeEntry;
import dev.cairn.workspace.TreeId;
import dev.cairn.workspace.WorkspaceException;
import dev.cairn.workspace.WorkspaceTree;
import dev.cairn.workspace.Workspaces;
import dev.cairn.workspace.cache.ActionCache;
import dev.cairn.workspace.cache.CacheCommit;
import dev.cairn.workspace.cache.CacheEntry;
import dev.cairn.workspace.cache.CacheKey;
import dev.cairn.workspace.cache.CacheKeyInput;
import dev.cairn.workspace.cache.CacheKeyPreimage;
import dev.cairn.workspace.cache.HostKey;
import dev.cairn.workspace.cache.PinTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code cache} namespace of the kernel's IO: the host's side of the cache protocol
 * (docs/workspaces.md). {@link CacheCall.Request.Decide} computes a command step's cache key from
 * everything that determines its result, looks the key up (pinning the entry, the parent snapshot
 * and the input tree for the attempt) and answers hit, miss or off; {@link
 * CacheCall.Request.Finish} commits a successful miss's snapshot under its key and releases the
 * pins. Both are recorded as facts by the kernel, so a replay never reads or writes the cache.
 */
final class CacheTransport implements IoTransport {

    private final ActionCache cache;
    private final Workspaces workspaces;
    private final HostKey hostKey;
    private final String executorVersion;
    private final Optional<SecretCatalog> secrets;

    CacheTransport(
            ActionCache cache,
            Workspaces workspaces,
            HostKey hostKey,
            String executorVersion,
            Optional<SecretCatalog> secrets) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.workspaces = Objects.requireNonNull(workspaces, "workspaces");
        this.hostKey = Objects.requireNonNull(hostKey, "host_key");
        this.executorVersion = Objects.requireNonNull(executorVersion, "executor_version");
        this.secrets = Objects.requireNonNull(secrets, "secrets");
    }

    @Override
    public JsonNode call(IoCall call, IoCallContext context) {
        CacheCall.Request request;
        try {
            request = Wire.fromTree(call.request(), CacheCall.Request.class);
        } catch (JsonException e) {
            throw IoException.other(
                    ErrorInfo.of(
                            "invalid_cache_request",
                            ErrorCategory.PARSING_INPUT,
                            false,
                            "a `cache` call's request does not read (" + e.code() + " at " + e.path() + ")"),
                    e);
        }
        try {
            return switch (request) {
                case CacheCall.Request.Decide d -> Wire.toTree(decide(d));
                case CacheCall.Request.Finish f -> Wire.toTree(finish(f));
            };
        } catch (StorageException e) {
            throw IoException.transport(
                    ErrorInfo.of(
                            "cache_store_failed",
                            ErrorCategory.STORAGE,
                            e.retryable(),
                            "the action cache or the artifact store failed: " + e.code()),
                    e);
        } catch (WorkspaceException e) {
            throw IoException.other(
                    ErrorInfo.of(
                            e.code(),
                            ErrorCategory.UNKNOWN,
                            e.retryable(),
                            "the cache decision failed: " + e.getMessage()),
                    e);
        }
    }

    private CacheCall.Decision decide(CacheCall.Request.Decide d) {
        TreeId inputTree = workspaces.inputTree(d.inputs());
        List<PinTarget> pins = new ArrayList<>();
        pins.add(new PinTarget.Tree(inputTree));
        CacheKeyInput.Builder key =
                CacheKeyInput.forStep(d.step()).input("workspace", inputTree).executorVersion(executorVersion);
        if (d.parentTree().isPresent()) {
            TreeId parent = new TreeId(d.parentTree().get());
            key.parentSnapshot(parent);
            pins.add(new PinTarget.Tree(parent));
        }
        cache.pin(d.owner(), pins, d.pinTtl());
        if (!d.cacheable()) {
            return off("caching is off for the step (cache: false, or it applies a side effect)");
        }
        for (SecretMount secret : d.secrets()) {
            Optional<String> version = secrets.flatMap(c -> c.version(secret.name()));
            if (version.isEmpty()) {
                return off("the version of secret " + secret.name() + " is not known to the host, so a rotation"
                        + " could not be seen");
            }
            String delivery =
                    switch (secret.target()) {
                        case SecretMount.Target.Env e -> "env:" + e.variable();
                        case SecretMount.Target.File f -> "file:" + f.fileName();
                    };
            key.secret(secret.name(), delivery, version.get());
        }
        CacheKeyPreimage preimage;
        CacheKey cacheKey;
        try {
            CacheKeyInput input = key.build();
            preimage = CacheKey.preimage(input, hostKey);
            cacheKey = CacheKey.of(preimage);
        } catch (WorkspaceException e) {
            return off("no cache key: " + e.getMessage());
        }
        Optional<CacheEntry> entry = cache.lookupForUse(cacheKey, d.owner(), d.pinTtl());
        if (entry.isPresent() && entry.get().exitCode() == 0) {
            Set<String> executable = executables(entry.get().snapshot());
            List<OutputArtifact> outputs = entry.get().outputs().stream()
                    .map(o -> new OutputArtifact(
                            o.key(), o.id().value(), o.mime(), o.sizeBytes(), executable.contains(o.key())))
                    .toList();
            return new CacheCall.Decision(
                    CacheCall.HIT,
                    Optional.of(cacheKey.value()),
                    Optional.empty(),
                    Optional.of(preimage),
                    Optional.of(entry.get().snapshot().value()),
                    outputs);
        }
        return new CacheCall.Decision(
                CacheCall.MISS,
                Optional.of(cacheKey.value()),
                Optional.empty(),
                Optional.of(preimage),
                Optional.empty(),
                List.of());
    }

    private static CacheCall.Decision off(String reason) {
        return new CacheCall.Decision(
                CacheCall.OFF, Optional.empty(), Optional.of(reason), Optional.empty(), Optional.empty(), List.of());
    }

    private CacheCall.Finished finish(CacheCall.Request.Finish f) {
        boolean committed = false;
        if (f.commit().isPresent()) {
            CacheCall.Commit c = f.commit().get();
            TreeId snapshot = new TreeId(c.snapshot());
            List<dev.cairn.workspace.OutputArtifact> outputs = c.outputs().stream()
                    .map(o -> new dev.cairn.workspace.OutputArtifact(
                            o.key(), new ArtifactId(o.artifactId()), o.mime(), o.sizeBytes()))
                    .toList();
            cache.commit(new CacheCommit(
                    new CacheKey(c.key()),
                    snapshot,
                    outputs,
                    uniqueBytes(snapshot),
                    c.origin(),
                    Optional.of(c.preimage())));
            committed = true;
        }
        cache.unpin(f.owner());
        return new CacheCall.Finished(committed);
    }

    /** The workspace-relative paths of the executable files of {@code tree}. */
    private Set<String> executables(TreeId tree) {
        Set<String> out = new HashSet<>();
        walk(tree, "", (path, file) -> {
            if (file.mode() == FileMode.EXECUTABLE) {
                out.add(path);
            }
        });
        return out;
    }

    /** The distinct bytes {@code tree} references: tree objects and distinct file contents. */
    private long uniqueBytes(TreeId tree) {
        Map<String, Long> blobs = new HashMap<>();
        long[] trees = {0};
        walkTrees(tree, "", blobs, trees, new HashSet<>());
        return trees[0] + blobs.values().stream().mapToLong(Long::longValue).sum();
    }

    private void walkTrees(TreeId id, String prefix, Map<String, Long> blobs, long[] trees, Set<TreeId> seen) {
        if (!seen.add(id)) {
            return;
        }
        WorkspaceTree tree = workspaces.trees().read(id);
        trees[0] += tree.canonicalBytes().length;
        for (TreeEntry entry : tree.entries()) {
            switch (entry) {
                case TreeEntry.File f -> blobs.put(f.digest().value(), f.size());
                case TreeEntry.Directory dir -> walkTrees(dir.tree(), prefix + dir.name() + "/", blobs, trees, seen);
                case TreeEntry.Symlink l -> {
                    // a link's target is in its tree object
                }
            }
        }
    }

    private interface FileVisitor {
        void visit(String path, TreeEntry.File file);
    }

    private void walk(TreeId id, String prefix, FileVisitor visitor) {
        for (TreeEntry entry : workspaces.trees().read(id).entries()) {
            switch (entry) {
                case TreeEntry.File f -> visitor.visit(prefix + f.name(), f);
                case TreeEntry.Directory dir -> walk(dir.tree(), prefix + dir.name() + "/", visitor);
                case TreeEntry.Symlink l -> {
                    // links are not outputs
                }
            }
        }
    }
}
