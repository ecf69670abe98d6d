package dev.cairn.cells;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Scans of {@code /proc} used to find a cell's processes when no cgroup tracks them. */
final class ProcTable {

    private static final Path PROC = Path.of("/proc");

    private ProcTable() {}

    /**
     * Live pids whose real uid is {@code uid}. Zombies are skipped: they have exited and hold only a pid until
     * their parent reaps them (bwrap's init lingers as a zombie of the host's init after bwrap exits).
     */
    static List<Long> withRealUid(int uid) {
        List<Long> found = new ArrayList<>();
        for (long pid : pids()) {
            try {
                for (String line :
                        Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"))) {
                    if (line.startsWith("State:") && line.contains("Z")) {
                        break;
                    }
                    if (line.startsWith("Uid:")) {
                        if (Integer.parseInt(line.substring(4).trim().split("\\s+")[0]) == uid) {
                            found.add(pid);
                        }
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process exited while we looked
            }
        }
        return found;
    }

    /**
     * Pids in session {@code sid}, or whose environment holds exactly the entry {@code marker} (which
     * survives {@code setsid} and double forks, unless the process clears its environment).
     */
    static List<Long> inSessionOrMarked(long sid, String marker) {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        List<Long> found = new ArrayList<>();
        for (long pid : pids()) {
            if (pid == self) {
                continue;
            }
            Path dir = PROC.resolve(Long.toString(pid));
            Optional<Long> session = liveSession(dir);
            if (session.isEmpty()) {
                continue;
            }
            if (session.get() == sid || environHas(dir, needle)) {
                found.add(pid);
            }
        }
        return found;
    }

    /** Sends SIGKILL to {@code pid} (guarded against pid reuse by the JDK's start-time check). */
    static boolean kill(long pid) {
        if (pid == ProcessHandle.current().pid()) {
            return false;
        }
        return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    try {
                        pids.add(Long.parseLong(name));
                    } catch (NumberFormatException e) {
                        // not a pid directory
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return pids;
    }

    /** The session id of a live (non-zombie) process. */
    private static Optional<Long> liveSession(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            if (rest[0].equals("Z")) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(rest[3]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean environHas(Path dir, byte[] entry) {
        byte[] env;
        try {
            env = Files.readAllBytes(dir.resolve("environ"));
        } catch (IOException e) {
            return false;
        }
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == entry.length && java.util.Arrays.equals(env, start, i, entry, 0, entry.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }
}
