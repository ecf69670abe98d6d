package dev.cairn.testkit.contract;

/**
 * Seeds for random tests: {@code -Dcairn.seed=N} forces one, otherwise each call draws a fresh one.
 * Every seed is printed with the test's name, so a failure can be re-run exactly.
 */
public final class Seeds {

    /** The system property that forces the seed. */
    public static final String PROPERTY = "cairn.seed";

    private Seeds() {}

    /** The seed for {@code test}, printed as {@code seed=N (test)}. */
    public static long seed(String test) {
        String forced = System.getProperty(PROPERTY);
        long seed;
        if (forced != null && !forced.isBlank()) {
            try {
                seed = Long.parseLong(forced.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "-D" + PROPERTY + " must be a long (the seed a failed test printed), got '" + forced + "'", e);
            }
        } else {
            seed = System.nanoTime() ^ Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L;
        }
        System.out.println("seed=" + seed + " (" + test + ")");
        return seed;
    }
}
