package dev.cairn.machine.time;

import java.nio.ByteBuffer;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
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

    /**
     * A cryptographically strong source: the platform's NIST SP 800-90A DRBG (Hash_DRBG with SHA-256
     * unless configured otherwise) at 256-bit strength, seeded from the platform's entropy source. The platform default on Linux
     * (NativePRNG) read /dev/urandom under a global lock on every call, one per recorded nonce.
     */
    static Entropy secure() {
        SecureRandom random;
        try {
            random = SecureRandom.getInstance(
                    "DRBG", DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, null));
        } catch (NoSuchAlgorithmException e) {
            random = new SecureRandom();
        }
        SecureRandom source = random;
        return n -> {
            byte[] out = new byte[n];
            source.nextBytes(out);
            return out;
        };
    }
}
