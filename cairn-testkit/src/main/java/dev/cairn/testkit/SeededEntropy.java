package dev.cairn.testkit;

import dev.cairn.machine.time.Entropy;
import java.util.Random;

/** Reproducible randomness for tests: the same seed gives the same bytes and run ids. */
public final class SeededEntropy implements Entropy {

    private final Random random;
    private final long seed;

    public SeededEntropy(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    public long seed() {
        return seed;
    }

    @Override
    public synchronized byte[] randomBytes(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }
}
