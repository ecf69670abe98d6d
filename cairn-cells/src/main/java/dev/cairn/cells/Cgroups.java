package dev.cairn.cells;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The v1 cgroup hierarchies this JVM may use for cells: {@code pids} (required), {@code memory} and {@code
 * freezer} (used when present). Detected once per JVM.
 *
 * <p>Cells get a directory {@code <hierarchy>/<this JVM's cgroup>/cairn-cells/<cell key>} in each hierarchy.
 * Cgroup v2 is not used: the machines Cairn targets mount it without controllers, and a v2 cgroup cannot
 * hold a single thread of the JVM, which is how cells are placed in their cgroup before their first fork
 * (see {@link CellCgroup#enterCurrentThread()}).
 */
final class Cgroups {

    static final String PIDS = "pids";
    static final String MEMORY = "memory";
    static final String FREEZER = "freezer";

    private static final Pattern STALE = Pattern.compile("(?:probe-)?(\\d+)(?:\\.\\d+)?");
    private static final Map<CellRuntimeOptions.CgroupMode, Cgroups> CACHE = new ConcurrentHashMap<>();

    /** Parent directory for cell cgroups, per controller. */
    private final Map<String, Path> cellParents;
    /** This JVM's own cgroup directory, per controller (where the spawner thread returns). */
    private final Map<String, Path> home;

    private final String unavailableReason;

    private Cgroups(Map<String, Path> cellParents, Map<String, Path> home, String unavailableReason) {
        this.cellParents = Map.copyOf(cellParents);
        this.home = Map.copyOf(home);
        this.unavailableReason = unavailableReason;
    }

    static Cgroups detect(CellRuntimeOptions.CgroupMode mode) {
        return CACHE.computeIfAbsent(mode, Cgroups::doDetect);
    }

    boolean available() {
        return unavailableReason == null;
    }

    /** Why cgroups are not used, or empty when they are. */
    Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    boolean has(String controller) {
        return cellParents.containsKey(controller);
    }

    /** Creates the cell's cgroups: pids always, memory when limited and present, freezer when asked and present. */
    CellCgroup create(String key, boolean memory, boolean freezer) throws IOException {
        Map<String, Path> dirs = new HashMap<>();
        try {
            for (String controller : List.of(PIDS, MEMORY, FREEZER)) {
                if (!cellParents.containsKey(controller)
                        || (controller.equals(MEMORY) && !memory)
                        || (controller.equals(FREEZER) && !freezer)) {
                    continue;
                }
                Path dir = cellParents.get(controller).resolve(key);
                try {
                    Files.createDirectory(dir);
                } catch (FileAlreadyExistsException e) {
                    // left over by a crashed JVM with the same pid: reuse only if empty
                    Files.delete(dir);
                    Files.createDirectory(dir);
                }
                dirs.put(controller, dir);
            }
        } catch (IOException e) {
            for (Path d : dirs.values()) {
                Files.deleteIfExists(d);
            }
            throw e;
        }
        return new CellCgroup(dirs, home);
    }

    /**
     * Removes empty cell cgroups left by JVMs that died (named {@code <pid>.<n>} or {@code probe-<pid>} after
     * a pid that is no longer alive). A cgroup that still holds tasks cannot be removed and is left alone.
     */
    static void sweepStale(Path parent) {
        try (var dirs = Files.newDirectoryStream(parent, Files::isDirectory)) {
            for (Path dir : dirs) {
                Matcher m = STALE.matcher(dir.getFileName().toString());
                try {
                    if (m.matches()
                            && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                        Files.deleteIfExists(dir);
                    }
                } catch (NumberFormatException | IOException e) {
                    // not ours, or still in use
                }
            }
        } catch (IOException e) {
            // nothing to sweep
        }
    }

    private static Cgroups doDetect(CellRuntimeOptions.CgroupMode mode) {
        if (mode == CellRuntimeOptions.CgroupMode.OFF) {
            return new Cgroups(Map.of(), Map.of(), "cgroups are turned off in the runtime options");
        }
        Map<String, HostInfo.Mount> v1 = new HashMap<>();
        boolean v2 = false;
        for (HostInfo.Mount m : HostInfo.mounts()) {
            if (m.fsType().equals("cgroup2")) {
                v2 = true;
            }
            if (!m.fsType().equals("cgroup")) {
                continue;
            }
            for (String opt : m.superOptions().split(",")) {
                boolean wanted = opt.equals(PIDS)
                        || (mode == CellRuntimeOptions.CgroupMode.AUTO && (opt.equals(MEMORY) || opt.equals(FREEZER)));
                if (wanted) {
                    v1.putIfAbsent(opt, m);
                }
            }
        }
        if (!v1.containsKey(PIDS)) {
            return new Cgroups(
                    Map.of(),
                    Map.of(),
                    v2
                            ? "only cgroup v2 is mounted; the cell runtime uses v1 hierarchies (limits fall back to"
                                    + " rlimits)"
                            : "no cgroup v1 pids hierarchy is mounted");
        }
        Map<String, String> ownPaths = new HashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] parts = line.split(":", 3);
                if (parts.length == 3) {
                    for (String c : parts[1].split(",")) {
                        ownPaths.put(c, parts[2]);
                    }
                }
            }
        } catch (IOException e) {
            return new Cgroups(Map.of(), Map.of(), "cannot read /proc/self/cgroup: " + e.getMessage());
        }
        Map<String, Path> parents = new HashMap<>();
        Map<String, Path> home = new HashMap<>();
        String pidsProblem = null;
        for (Map.Entry<String, HostInfo.Mount> e : v1.entrySet()) {
            String controller = e.getKey();
            HostInfo.Mount m = e.getValue();
            String own = ownPaths.get(controller);
            if (own == null) {
                continue;
            }
            String root = m.root().toString();
            String rel = root.equals("/") ? own : (own.startsWith(root) ? own.substring(root.length()) : null);
            if (rel == null) {
                continue;
            }
            Path ownDir = m.mountPoint();
            for (String seg :
                    Arrays.stream(rel.split("/")).filter(s -> !s.isEmpty()).toList()) {
                ownDir = ownDir.resolve(seg);
            }
            Path parent = ownDir.resolve("cairn-cells");
            try {
                Files.createDirectories(parent);
                sweepStale(parent);
                Path probe = parent.resolve("probe-" + ProcessHandle.current().pid());
                Files.deleteIfExists(probe);
                Files.createDirectory(probe);
                Files.delete(probe);
                parents.put(controller, parent);
                home.put(controller, ownDir);
            } catch (IOException | RuntimeException ex) {
                if (controller.equals(PIDS)) {
                    pidsProblem = "the v1 pids cgroup " + parent + " is not writable ("
                            + ex.getClass().getSimpleName() + ": " + ex.getMessage() + ")";
                }
            }
        }
        if (!parents.containsKey(PIDS)) {
            return new Cgroups(
                    Map.of(), Map.of(), pidsProblem != null ? pidsProblem : "this JVM's v1 pids cgroup is not visible");
        }
        return new Cgroups(parents, home, null);
    }
}
