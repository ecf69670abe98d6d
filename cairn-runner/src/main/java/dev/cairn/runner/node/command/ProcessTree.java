package dev.cairn.runner.node.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * Every process a command started: the command itself (the leader of its own session, started
 * through {@code setsid}), its descendants, every process still in its session (orphans reparented
 * to init included), and every process whose environment carries the command's marker variable
 * (daemons that left the session). Linux only: reads {@code /proc}.
 *
 * <p>A process that leaves the session <em>and</em> clears its environment escapes; cells
 * (namespaces and cgroups) close that gap.
 */
final class ProcessTree {

    private static final Path PROC = Path.of("/proc");
    private static final long SELF = ProcessHandle.current().pid();

    private final ProcessHandle root;
    private final boolean ownSession;
    private final byte[] marker;
    private final long rootStart;

    /**
     * @param root the command's process
     * @param ownSession whether {@code root} leads its own session (it was started by {@code setsid})
     * @param markerVariable {@code NAME=value} set in the command's environment
     */
    ProcessTree(ProcessHandle root, boolean ownSession, String markerVariable) {
        this.root = root;
        this.ownSession = ownSession;
        this.marker = (markerVariable + "\0").getBytes(StandardCharsets.UTF_8);
        Stat stat = stat(PROC.resolve(Long.toString(root.pid())));
        this.rootStart = stat == null ? 0 : stat.startTime;
    }

    /** Sends SIGTERM to every live process of the tree. */
    void terminate() {
        for (long pid : members()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
    }

    /**
     * Kills every process of the tree with SIGKILL until none is left (new ones forked meanwhile
     * are found by the next scan). Returns how many processes were killed.
     */
    int kill() {
        int killed = 0;
        for (int round = 0; round < 200; round++) {
            Set<Long> pids = members();
            if (pids.isEmpty()) {
                return killed;
            }
            for (long pid : pids) {
                if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
                    killed++;
                }
            }
            pause(round < 10 ? Duration.ofMillis(2) : Duration.ofMillis(20));
        }
        return killed;
    }

    /** Whether any process of the tree is still alive. */
    boolean alive() {
        return !members().isEmpty();
    }

    /** The live (not zombie) processes of the tree, by pid. */
    Set<Long> members() {
        Set<Long> pids = new HashSet<>();
        if (root.isAlive()) {
            pids.add(root.pid());
        }
        if (!ownSession) {
            root.descendants().filter(ProcessHandle::isAlive).forEach(p -> pids.add(p.pid()));
        }
        scanProc(pids);
        pids.remove(SELF);
        pids.remove(1L);
        return pids;
    }

    private void scanProc(Set<Long> pids) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty()
                        || !Character.isDigit(name.charAt(0))
                        || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pid == SELF || pids.contains(pid)) {
                    continue;
                }
                Stat stat = stat(entry);
                if (stat == null || stat.state == 'Z' || stat.state == 'X') {
                    continue;
                }
                // a process older than the command cannot be one of its daemons: skip reading its environment
                if ((ownSession && stat.session == root.pid())
                        || (stat.startTime >= rootStart && carriesMarker(entry))) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            // no /proc: descendants are all we can see
        }
    }

    private record Stat(char state, long session, long startTime) {}

    /**
     * Fields 3 (state), 6 (session) and 22 (start time, in clock ticks since boot) of {@code
     * /proc/<pid>/stat}; the name before them may hold spaces and parentheses.
     */
    private static Stat stat(Path dir) {
        String text;
        try {
            text = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null; // the process is gone, or not ours to read
        }
        int close = text.lastIndexOf(')');
        if (close < 0 || close + 2 >= text.length()) {
            return null;
        }
        String[] fields = text.substring(close + 2).split(" ");
        if (fields.length < 20) {
            return null;
        }
        try {
            return new Stat(fields[0].charAt(0), Long.parseLong(fields[3]), Long.parseLong(fields[19]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private boolean carriesMarker(Path dir) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(dir.resolve("environ"));
        } catch (IOException | SecurityException e) {
            return false;
        }
        outer:
        for (int start = 0; start + marker.length <= environ.length; ) {
            for (int i = 0; i < marker.length; i++) {
                if (environ[start + i] != marker[i]) {
                    int nul = indexOf(environ, (byte) 0, start);
                    if (nul < 0) {
                        return false;
                    }
                    start = nul + 1;
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
