package dev.cairn.executor.backend;

import dev.cairn.cell.api.CellBackend;
import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.CellHandle;
import dev.cairn.cell.api.EgressRule;
import dev.cairn.cell.api.ExecutionCellDocument;
import dev.cairn.cell.api.ExecutionCellSpec;
import dev.cairn.cell.api.RunLimits;
import dev.cairn.cell.api.RunSpec;
import dev.cairn.cell.api.TeardownReport;
import dev.cairn.cells.Cell;
import dev.cairn.cells.CellLimits;
import dev.cairn.cells.CellOutputListener;
import dev.cairn.cells.CellProfile;
import dev.cairn.cells.CellResult;
import dev.cairn.cells.CellRuntime;
import dev.cairn.cells.CellSpec;
import dev.cairn.cells.NetworkPolicy;
import dev.cairn.json.CodedError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Seed 004's {@link CellBackend} over {@code cairn-cells}: {@link #process} (a host subprocess in
 * its own session, with rlimits and cgroups where available) and {@link #sandbox} (bubblewrap).
 *
 * <p>{@link #create} maps the document to a prepared cell: {@code spec.run.argv}, {@code env}
 * ({@code CAIRN_*} names are the cell's own and refused), {@code workingDirectory} (relative to the
 * cell's workspace), {@code timeoutMs} (the wall-clock limit), {@code limits.memoryMaxBytes}; {@code
 * authority.egressRules} become granted TCP endpoints (the sandbox enforces them; a UDP rule is
 * refused). Each cell gets a fresh workspace directory under the backend's root ({@link
 * #workspace(String)}), deleted at {@link #destroy}. Not supported, and refused rather than ignored:
 * {@code limits.cpuMax} (cgroup v2 bandwidth; cells use v1 or none) and {@code
 * authority.secretRefs} (the command executor resolves secrets itself, {@code docs/runners.md}). A
 * document without {@code run} is refused: these backends run the command themselves.
 *
 * <p>The seed leaves launching to the caller; here the cell's command is part of the cell, so the
 * backend adds {@link #start} and {@link #await}. {@link #waitForInVmExit} keeps the seed's default
 * (empty): nothing runs inside a VM. The handle reports the cell's pids cgroup ({@code cgroupPath})
 * and, for the sandbox, {@code nftRulesApplied = true}: it owns the network namespace and enforces
 * the grants (through its relay, not nftables); the process backend does not own the network (empty).
 *
 * <p>Errors: {@code invalid_spec} for what cannot be mapped (and {@code cell_spec_invalid} of the
 * runtime); {@code host} for everything else (retryable when the runtime says so).
 */
public final class CellsBackend implements CellBackend {

    private final CellRuntime runtime;
    private final CellProfile profile;
    private final Path root;
    private final Map<String, Path> workspaces = new ConcurrentHashMap<>();

    private CellsBackend(CellRuntime runtime, CellProfile profile, Path root) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.profile = profile;
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath();
    }

    /** Host-process cells of {@code runtime}, with workspaces under {@code root}. */
    public static CellsBackend process(CellRuntime runtime, Path root) {
        return new CellsBackend(runtime, CellProfile.PROCESS, root);
    }

    /**
     * Bubblewrap cells of {@code runtime}, with workspaces under {@code root} (every directory on the
     * way must be searchable by others). Fails at {@link #create} with {@code host} when the sandbox
     * does not work here, naming the reason.
     */
    public static CellsBackend sandbox(CellRuntime runtime, Path root) {
        return new CellsBackend(runtime, CellProfile.SANDBOX, root);
    }

    /** {@code process} or {@code sandbox}. */
    public String kind() {
        return profile == CellProfile.SANDBOX ? "sandbox" : "process";
    }

    @Override
    public CellHandle create(ExecutionCellDocument document) {
        ExecutionCellSpec spec = Objects.requireNonNull(document, "document").spec();
        RunSpec run = spec.run()
                .orElseThrow(() -> CellException.invalidSpec(
                        "spec.run is required: the " + kind() + " backend runs the cell's command itself"));
        if (!spec.authority().secretRefs().isEmpty()) {
            throw CellException.invalidSpec("spec.authority.secretRefs are not delivered by the " + kind()
                    + " backend; declare the step's secrets, which the command executor resolves per cell");
        }
        if (run.limits().flatMap(RunLimits::cpuMax).isPresent()) {
            throw CellException.invalidSpec(
                    "spec.run.limits.cpuMax (cgroup v2 cpu.max) is not supported by the " + kind() + " backend");
        }
        if (spec.id().length() > 64) {
            throw CellException.invalidSpec("spec.id must be at most 64 characters for this backend: " + spec.id());
        }
        Path workspace;
        try {
            Files.createDirectories(root);
            workspace = Files.createTempDirectory(root, spec.id() + "-");
            Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw CellException.transientFailure(
                    new dev.cairn.cell.api.CellosError.Host("cannot create a workspace under " + root + ": " + e), e);
        }
        try {
            CellSpec.Builder builder = CellSpec.builder(spec.id(), workspace)
                    .argv(run.argv())
                    .env(run.env())
                    .workdir(run.workingDirectory().orElse(""))
                    .profile(profile)
                    .network(network(spec.authority().egressRules()))
                    .limits(limits(run));
            if (run.workingDirectory().isPresent()) {
                Path dir = workspace.resolve(run.workingDirectory().get()).normalize();
                if (!dir.startsWith(workspace)) {
                    throw CellException.invalidSpec("spec.run.workingDirectory must stay inside the workspace");
                }
                Files.createDirectories(dir);
            }
            Cell cell = runtime.create(builder.build());
            workspaces.put(spec.id(), workspace);
            CellHandle handle = CellHandle.of(spec.id());
            if (!cell.handle().cgroups().isEmpty()) {
                handle = handle.withCgroupPath(cell.handle().cgroups().getFirst());
            }
            if (cell.handle().profile() == CellProfile.SANDBOX) {
                handle = handle.withNftRulesApplied(true);
            }
            return handle;
        } catch (RuntimeException | IOException e) {
            deleteQuietly(workspace);
            throw translate(e);
        }
    }

    /** The workspace directory of a live cell. */
    public Optional<Path> workspace(String cellId) {
        return Optional.ofNullable(workspaces.get(cellId));
    }

    /** The cells-runtime cell behind {@code handle} (its lifecycle, its cells handle). */
    public Optional<Cell> cell(CellHandle handle) {
        return runtime.cell(handle.cellId());
    }

    /** Starts the cell's command; {@code listener} (may be null) receives its output as it is read. */
    public void start(CellHandle handle, CellOutputListener listener) {
        Cell cell = require(handle);
        try {
            cell.start(listener);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /** Waits for the cell's command (within its wall-clock limit) and returns its result. */
    public CellResult await(CellHandle handle) {
        return require(handle).await();
    }

    @Override
    public TeardownReport destroy(CellHandle handle) {
        dev.cairn.cells.TeardownReport report = runtime.destroy(handle.cellId());
        if (report.destroyed()) {
            Path workspace = workspaces.remove(handle.cellId());
            if (workspace != null) {
                deleteQuietly(workspace);
            }
        }
        return new TeardownReport(handle.cellId(), report.destroyed(), report.peersTrackedAfter());
    }

    private Cell require(CellHandle handle) {
        return runtime.cell(handle.cellId())
                .orElseThrow(() -> CellException.lifecycle("cell " + handle.cellId() + " is not live in this backend"));
    }

    private static NetworkPolicy network(List<EgressRule> rules) {
        if (rules.isEmpty()) {
            return NetworkPolicy.none();
        }
        String[] grants = new String[rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            EgressRule rule = rules.get(i);
            String protocol = rule.protocol().orElse("tcp");
            if (!protocol.equalsIgnoreCase("tcp")) {
                throw CellException.invalidSpec("egress rule " + rule.host() + ":" + rule.port() + " asks for "
                        + protocol + "; cells relay TCP only");
            }
            grants[i] = rule.host() + ":" + rule.port();
        }
        return NetworkPolicy.granted(grants);
    }

    private static CellLimits limits(RunSpec run) {
        CellLimits.Builder limits = CellLimits.builder();
        run.timeoutMs().ifPresent(ms -> limits.wallClock(Duration.ofMillis(Math.max(1, ms))));
        run.limits().flatMap(RunLimits::memoryMaxBytes).ifPresent(limits::memoryBytes);
        return limits.build();
    }

    private static CellException translate(Exception e) {
        if (e instanceof CellException ce) {
            return ce;
        }
        if (e instanceof CodedError coded) {
            if (coded.code().equals("cell_spec_invalid")) {
                return new CellException(
                        new dev.cairn.cell.api.CellosError.InvalidSpec(e.getMessage()), false, coded.hint(), e);
            }
            return new CellException(
                    new dev.cairn.cell.api.CellosError.Host(coded.code() + ": " + e.getMessage()),
                    coded.retryable(),
                    coded.hint(),
                    e);
        }
        return new CellException(new dev.cairn.cell.api.CellosError.Host(e.toString()), false, null, e);
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the temporary directory's owner
                }
            });
        } catch (IOException e) {
            // nothing to delete
        }
    }
}
