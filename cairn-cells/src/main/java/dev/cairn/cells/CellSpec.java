package dev.cairn.cells;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What to run in a cell and under which isolation and limits.
 *
 * <p>The environment starts empty: the cell sees {@code PATH}, {@code HOME}, {@code TMPDIR}, {@code LANG},
 * the {@code CAIRN_*} variables and {@link #env()}; nothing of the host's environment leaks in. {@link
 * #workdir()} is relative to the workspace, which the sandbox binds read-write at {@code /work}.
 *
 * @param cellId id of the cell, unique among the live cells of a runtime: 1-64 characters of {@code
 *     [A-Za-z0-9._-]}, starting with a letter or digit
 * @param argv the command and its arguments (looked up on {@code PATH} inside the cell)
 * @param env extra environment variables; may override {@code PATH}, {@code HOME}, {@code TMPDIR} and {@code
 *     LANG}, never the {@code CAIRN_*} ones
 * @param workdir working directory relative to the workspace ({@code ""} for the workspace itself)
 * @param workspace host directory the cell may write
 * @param readOnlyBinds extra host paths visible read-only inside a sandbox
 * @param profile requested isolation
 * @param network network policy
 * @param limits resource limits
 * @param stdin bytes fed to the command's standard input, then closed
 * @param files files placed in the cell's private, read-only file directory
 */
public record CellSpec(
        String cellId,
        List<String> argv,
        SortedMap<String, String> env,
        String workdir,
        Path workspace,
        List<ReadOnlyBind> readOnlyBinds,
        CellProfile profile,
        NetworkPolicy network,
        CellLimits limits,
        byte[] stdin,
        List<CellFile> files) {

    /** Variables Cairn sets itself and a spec may not override. */
    public static final Set<String> RESERVED_ENV =
            Set.of("CAIRN_CELL_ID", "CAIRN_CELL_KEY", "CAIRN_WORKSPACE", "CAIRN_FILES_DIR", "CAIRN_SECRETS_DIR");

    /** Largest total size of {@link #files()}: 64 MiB. */
    public static final long MAX_FILES_BYTES = 64L << 20;

    private static final Pattern CELL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public CellSpec {
        Objects.requireNonNull(cellId, "cell_id");
        Objects.requireNonNull(argv, "argv");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(workdir, "workdir");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(readOnlyBinds, "read_only_binds");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(files, "files");
        if (!CELL_ID.matcher(cellId).matches()) {
            throw CellsException.specInvalid(
                    "cell_id",
                    "'" + cellId + "' must be 1-64 characters of [A-Za-z0-9._-] starting with a letter or digit");
        }
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw CellsException.specInvalid("argv", "the command must not be empty");
        }
        for (String arg : argv) {
            if (Objects.requireNonNull(arg, "argv[]").indexOf('\0') >= 0) {
                throw CellsException.specInvalid("argv", "arguments must not contain NUL characters");
            }
        }
        argv = List.copyOf(argv);
        TreeMap<String, String> envCopy = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "env name");
            String value = Objects.requireNonNull(e.getValue(), "env value");
            if (!ENV_NAME.matcher(name).matches()) {
                throw CellsException.specInvalid("env", "variable name '" + name + "' is not [A-Za-z_][A-Za-z0-9_]*");
            }
            if (RESERVED_ENV.contains(name)) {
                throw CellsException.specInvalid(
                        "env", "variable '" + name + "' is set by Cairn and cannot be overridden");
            }
            if (value.indexOf('\0') >= 0) {
                throw CellsException.specInvalid("env", "value of '" + name + "' must not contain NUL characters");
            }
            envCopy.put(name, value);
        }
        env = Collections.unmodifiableSortedMap(envCopy);
        workdir = normalizeWorkdir(workdir);
        if (!workspace.isAbsolute()) {
            throw CellsException.specInvalid("workspace", "'" + workspace + "' must be an absolute path");
        }
        workspace = workspace.normalize();
        readOnlyBinds = List.copyOf(readOnlyBinds);
        Set<String> cellPaths = new HashSet<>();
        for (ReadOnlyBind b : readOnlyBinds) {
            if (!cellPaths.add(b.cellPath())) {
                throw CellsException.specInvalid("read_only_binds", "cell path '" + b.cellPath() + "' is bound twice");
            }
        }
        stdin = stdin.clone();
        files = List.copyOf(files);
        Set<String> names = new HashSet<>();
        long total = 0;
        for (CellFile f : files) {
            if (!names.add(f.name())) {
                throw CellsException.specInvalid("files", "file '" + f.name() + "' is given twice");
            }
            total += f.size();
        }
        if (total > MAX_FILES_BYTES) {
            throw CellsException.specInvalid("files", "files total " + total + " bytes, more than " + MAX_FILES_BYTES);
        }
    }

    /** A copy of the standard input bytes. */
    @Override
    public byte[] stdin() {
        return stdin.clone();
    }

    int stdinLength() {
        return stdin.length;
    }

    byte[] stdinUnsafe() {
        return stdin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellSpec s
                && s.cellId.equals(cellId)
                && s.argv.equals(argv)
                && s.env.equals(env)
                && s.workdir.equals(workdir)
                && s.workspace.equals(workspace)
                && s.readOnlyBinds.equals(readOnlyBinds)
                && s.profile == profile
                && s.network.equals(network)
                && s.limits.equals(limits)
                && Arrays.equals(s.stdin, stdin)
                && s.files.equals(files);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cellId, argv, env, workdir, workspace, readOnlyBinds, profile, network, limits, files) * 31
                + Arrays.hashCode(stdin);
    }

    @Override
    public String toString() {
        return "CellSpec[cellId=" + cellId + ", argv=" + argv + ", env=" + env.keySet() + ", workdir=" + workdir
                + ", workspace=" + workspace + ", readOnlyBinds=" + readOnlyBinds + ", profile=" + profile
                + ", network=" + network + ", limits=" + limits + ", stdin=" + stdin.length + " bytes, files="
                + files + "]";
    }

    /** A builder for a cell with the given id and workspace, the default limits and no network. */
    public static Builder builder(String cellId, Path workspace) {
        return new Builder(cellId, workspace);
    }

    private static String normalizeWorkdir(String workdir) {
        if (workdir.isEmpty() || workdir.equals(".")) {
            return "";
        }
        if (workdir.startsWith("/") || workdir.indexOf('\0') >= 0) {
            throw CellsException.specInvalid("workdir", "'" + workdir + "' must be relative to the workspace");
        }
        Path p = Path.of(workdir).normalize();
        if (p.toString().isEmpty()) {
            return "";
        }
        if (p.startsWith("..")) {
            throw CellsException.specInvalid("workdir", "'" + workdir + "' leaves the workspace");
        }
        return p.toString();
    }

    /** Builds a {@link CellSpec}; validation happens in {@link #build()}. */
    public static final class Builder {
        private final String cellId;
        private final Path workspace;
        private List<String> argv = List.of();
        private final TreeMap<String, String> env = new TreeMap<>();
        private String workdir = "";
        private final List<ReadOnlyBind> readOnlyBinds = new ArrayList<>();
        private CellProfile profile = CellProfile.AUTO;
        private NetworkPolicy network = NetworkPolicy.none();
        private CellLimits limits = CellLimits.defaults();
        private byte[] stdin = new byte[0];
        private final List<CellFile> files = new ArrayList<>();

        private Builder(String cellId, Path workspace) {
            this.cellId = cellId;
            this.workspace = workspace;
        }

        public Builder argv(String... argv) {
            this.argv = Arrays.asList(argv.clone());
            return this;
        }

        public Builder argv(List<String> argv) {
            this.argv = new ArrayList<>(argv);
            return this;
        }

        public Builder env(String name, String value) {
            this.env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> env) {
            this.env.putAll(env);
            return this;
        }

        public Builder workdir(String workdir) {
            this.workdir = workdir;
            return this;
        }

        public Builder readOnlyBind(Path hostPath, String cellPath) {
            this.readOnlyBinds.add(new ReadOnlyBind(hostPath, cellPath));
            return this;
        }

        public Builder profile(CellProfile profile) {
            this.profile = profile;
            return this;
        }

        public Builder network(NetworkPolicy network) {
            this.network = network;
            return this;
        }

        public Builder limits(CellLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder stdin(byte[] stdin) {
            this.stdin = stdin.clone();
            return this;
        }

        public Builder file(String name, byte[] content) {
            this.files.add(new CellFile(name, content));
            return this;
        }

        public CellSpec build() {
            return new CellSpec(
                    cellId, argv, env, workdir, workspace, readOnlyBinds, profile, network, limits, stdin, files);
        }
    }
}
