package dev.cairn.secrets;

import java.util.Random;

/** Seeded randomness for tests: the seed is printed and can be forced with {@code -Dcairn.seed=N}. */
public final class Seeds {

    private Seeds() {}

    /** A {@link Random} whose seed is printed with {@code what}. */
    public static Random random(String what) {
        String forced = System.getProperty("cairn.seed");
        long seed = forced != null
                ? Long.parseLong(forced)
                : System.nanoTime() ^ Thread.currentThread().threadId();
        System.out.println(what + " seed=" + seed);
        return new Random(seed);
    }
}
