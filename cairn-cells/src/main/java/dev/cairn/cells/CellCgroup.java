package dev.cairn.cells;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The v1 cgroups of one cell.
 *
 * <p>Placement: the spawner thread moves itself into the cell's cgroups (v1 lets a single thread move;
 * writing {@code 0} to {@code tasks} moves the writer), starts the process, and moves back, so the process
 * is born inside its cgroups and no fork can escape before placement. JVM threads created during the spawn
 * (the JDK's process reaper) are moved back too ({@link #evictJvmThreads()}).
 */
final class CellCgroup {

    private final Map<String, Path> dirs;
    private final Map<String, Path> home;

    CellCgroup(Map<String, Path> dirs, Map<String, Path> home) {
        this.dirs = Map.copyOf(dirs);
        this.home = Map.copyOf(home);
    }

    List<Path> dirs() {
        return List.copyOf(new java.util.TreeMap<>(dirs).values());
    }

    boolean has(String controller) {
        return dirs.containsKey(controller);
    }

    void setMemoryLimit(long bytes) throws IOException {
        if (dirs.containsKey(Cgroups.MEMORY)) {
            Files.writeString(dirs.get(Cgroups.MEMORY).resolve("memory.limit_in_bytes"), Long.toString(bytes));
        }
    }

    void setPidsMax(long max) throws IOException {
        Files.writeString(dirs.get(Cgroups.PIDS).resolve("pids.max"), Long.toString(max));
    }

    void enterCurrentThread() throws IOException {
        for (Path dir : dirs.values()) {
            Files.writeString(dir.resolve("tasks"), "0");
        }
    }

    void leaveCurrentThread() throws IOException {
        for (String controller : dirs.keySet()) {
            Files.writeString(home.get(controller).resolve("tasks"), "0");
        }
    }

    /** Moves every thread of this JVM found in the cell's cgroups back to the JVM's own cgroups. */
    void evictJvmThreads() throws IOException {
        Path self = Path.of("/proc/self/task");
        for (Map.Entry<String, Path> e : dirs.entrySet()) {
            for (String tid : Files.readAllLines(e.getValue().resolve("tasks"))) {
                if (!tid.isBlank() && Files.exists(self.resolve(tid.trim()))) {
                    Files.writeString(home.get(e.getKey()).resolve("tasks"), tid.trim());
                }
            }
        }
    }

    /** Pids (thread-group ids) in the cell's pids cgroup. */
    List<Long> procs() {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dirs.get(Cgroups.PIDS).resolve("cgroup.procs"))) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (NoSuchFileException e) {
            return pids;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dirs.get(Cgroups.PIDS) + "/cgroup.procs", e);
        }
        return pids;
    }

    /** Whether the memory cgroup's OOM killer killed something. */
    boolean oomKilled() {
        if (!dirs.containsKey(Cgroups.MEMORY)) {
            return false;
        }
        return counter(dirs.get(Cgroups.MEMORY).resolve("memory.oom_control"), "oom_kill") > 0;
    }

    /** Whether the pids cgroup refused a fork. */
    boolean pidsLimitHit() {
        return counter(dirs.get(Cgroups.PIDS).resolve("pids.events"), "max") > 0;
    }

    /** Freezes the cell (no fork, no exit) if it has a freezer cgroup; returns whether it did. */
    boolean freeze(long timeoutNanos) {
        Path dir = dirs.get(Cgroups.FREEZER);
        if (dir == null) {
            return false;
        }
        try {
            Files.writeString(dir.resolve("freezer.state"), "FROZEN");
            long deadline = System.nanoTime() + timeoutNanos;
            while (!Files.readString(dir.resolve("freezer.state")).trim().equals("FROZEN")) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                LockSupport.parkNanos(200_000);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void thaw() {
        Path dir = dirs.get(Cgroups.FREEZER);
        if (dir != null) {
            try {
                Files.writeString(dir.resolve("freezer.state"), "THAWED");
            } catch (IOException e) {
                // a frozen, killed task stays frozen only until the cgroup is removed
            }
        }
    }

    /** How many of the cell's cgroup directories still exist. */
    int existing() {
        return (int) dirs.values().stream().filter(Files::isDirectory).count();
    }

    /** Removes the cgroup directories; returns how many were removed. */
    int remove(long timeoutNanos) {
        int removed = 0;
        long deadline = System.nanoTime() + timeoutNanos;
        for (Path dir : dirs.values()) {
            while (true) {
                try {
                    Files.deleteIfExists(dir);
                    removed++;
                    break;
                } catch (IOException e) {
                    // EBUSY while the last task is being released
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                    LockSupport.parkNanos(500_000);
                }
            }
        }
        return removed;
    }

    private static long counter(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(name)) {
                    return Long.parseLong(kv[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
