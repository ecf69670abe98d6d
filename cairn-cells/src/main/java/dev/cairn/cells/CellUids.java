package dev.cairn.cells;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out per-cell host uids, shared by every runtime of this JVM. Rotates through the whole range before
 * reusing a uid: the kernel releases a uid's process accounting asynchronously after its processes exit, so a
 * uid reused at once can still count processes of the previous cell against {@code RLIMIT_NPROC}.
 */
final class CellUids {

    private static final Set<Integer> IN_USE = ConcurrentHashMap.newKeySet();
    private static final AtomicLong CURSOR =
            new AtomicLong(ProcessHandle.current().pid() * 7919L);

    private CellUids() {}

    static int acquire(int base, int count) {
        for (int attempt = 0; attempt < count; attempt++) {
            int uid = base + (int) Math.floorMod(CURSOR.getAndIncrement(), (long) count);
            if (IN_USE.add(uid)) {
                return uid;
            }
        }
        throw new IllegalStateException("all " + count + " cell uids from " + base + " are in use");
    }

    static void release(int uid) {
        IN_USE.remove(uid);
    }
}
