package dev.cairn.machine.time;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.UUID;

/** The kernel's source of randomness: run ids and {@code IoProvider.randomBytes}. */
public interface Entropy {

    /** {@code n} random bytes. */
    byte[] randomBytes(int n);

    /** A random (version 4) UUID built from {@link #randomBytes}. */
    default UUID newUuid() {
        ByteBuffer bytes = ByteBuffer.wrap(randomBytes(16));
        long high = (bytes.getLong() & ~0xF000L) | 0x4000L;
        long low = (bytes.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }

    /** A cryptographically strong source. */
    static Entropy secure() {
        SecureRandom random = new SecureRandom();
        return n -> {
            byte[] out = new byte[n];
            random.nextBytes(out);
            return out;
        };
    }
}
