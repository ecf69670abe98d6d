package dev.cairn.runner.node.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Process ids that a test command wrote to a file, and whether they still run. */
public final class Pids {

    private Pids() {}

    /** Waits (up to a minute) until {@code file} holds {@code count} pids, one per line. */
    public static List<Long> await(Path file, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                List<Long> pids = Files.readAllLines(file).stream()
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .map(Long::parseLong)
                        .toList();
                if (pids.size() >= count) {
                    return pids;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError(file + " never listed " + count + " pids");
    }

    /** Whether {@code pid} is a live process (not a zombie). */
    public static boolean alive(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            char state = text.charAt(text.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
