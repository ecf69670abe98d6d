package dev.cairn.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A test's own, independent view of host processes from {@code /proc} (it does not trust a runtime's
 * scans): what break-out tests use to prove a cell left nothing behind.
 */
public final class HostProcs {

    private HostProcs() {}

    /** Pids whose command line contains {@code token}. */
    public static List<Long> withCmdline(String token) {
        List<Long> found = new ArrayList<>();
        for (Path dir : procDirs()) {
            try {
                String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8)
                        .replace('\0', ' ');
                if (cmdline.contains(token)) {
                    found.add(Long.parseLong(dir.getFileName().toString()));
                }
            } catch (IOException e) {
                // exited
            }
        }
        return found;
    }

    /**
     * Live (non-zombie) pids whose real, effective, saved or file-system uid is {@code uid}. A zombie has
     * exited and holds nothing but its pid until its parent reaps it: bwrap's outer process exits as soon as
     * its init reports the command's status, so the init briefly remains a zombie of the host's pid 1.
     */
    public static List<Long> withUid(int uid) {
        List<Long> found = new ArrayList<>();
        for (Path dir : procDirs()) {
            try {
                List<String> status = Files.readAllLines(dir.resolve("status"));
                if (status.stream().anyMatch(l -> l.startsWith("State:") && l.contains("Z"))) {
                    continue;
                }
                for (String line : status) {
                    if (line.startsWith("Uid:")) {
                        for (String u : line.substring(4).trim().split("\\s+")) {
                            if (Integer.parseInt(u) == uid) {
                                found.add(Long.parseLong(dir.getFileName().toString()));

                                break;
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // exited
            }
        }
        return found;
    }

    /**
     * Live pids with {@code uid}, polled for up to five seconds: a killed task leaves its cgroup at the start of
     * its exit and may still be listed in /proc while the kernel finishes it.
     */
    public static List<Long> liveWithUidAfterExit(int uid) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<Long> left = withUid(uid);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            left = withUid(uid);
        }
        return left;
    }

    /** Pids whose command line holds {@code token}, polled for up to five seconds like {@link #liveWithUidAfterExit}. */
    public static List<Long> withCmdlineAfterExit(String token) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        List<Long> left = withCmdline(token);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
            left = withCmdline(token);
        }
        return left;
    }

    private static List<Path> procDirs() {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            ds.forEach(dirs::add);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return dirs;
    }
}
