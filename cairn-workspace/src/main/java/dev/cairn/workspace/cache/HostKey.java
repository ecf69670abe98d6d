package dev.cairn.workspace.cache;

import dev.cairn.machine.time.Entropy;
import dev.cairn.workspace.WorkspaceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The host's secret key for the digests of secret versions in cache keys (HMAC-SHA256). Without it,
 * a digest of a version could be guessed by anyone who can enumerate versions; with it, a cache key
 * says nothing about a secret except that its version changed.
 *
 * <p>Changing the key changes every key of a step that declares a secret (those entries then miss
 * once). Never printed: {@link #toString()} is redacted.
 */
public final class HostKey {

    /** The shortest key accepted, in bytes. */
    public static final int MIN_BYTES = 32;

    private static final String HMAC = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] key;

    private HostKey(byte[] key) {
        this.key = key;
    }

    /**
     * A host key of these bytes (copied).
     *
     * @throws WorkspaceException {@code invalid_host_key} when shorter than {@value #MIN_BYTES} bytes
     */
    public static HostKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_BYTES) {
            throw WorkspaceException.invalidHostKey("it has " + key.length + " bytes, fewer than " + MIN_BYTES);
        }
        return new HostKey(key.clone());
    }

    /**
     * The key kept in {@code file} (hex text), made from {@value #MIN_BYTES} bytes of {@code entropy}
     * and written with mode {@code 0600} when the file does not exist yet. Two processes racing to
     * create it end with the same key.
     *
     * @throws WorkspaceException {@code invalid_host_key} when the file holds no valid key; {@code
     *     workspace_io} when it cannot be read or written
     */
    public static HostKey loadOrCreate(Path file, Entropy entropy) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(entropy, "entropy");
        try {
            if (!Files.exists(file)) {
                Path parent = file.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                Path temp = Files.createTempFile(
                        parent,
                        ".host-key",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.writeString(
                            temp, HEX.formatHex(entropy.randomBytes(MIN_BYTES)) + "\n", StandardCharsets.US_ASCII);
                    try {
                        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                    } catch (FileAlreadyExistsException e) {
                        // another process made it first: use theirs
                    }
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            byte[] key;
            try {
                key = HEX.parseHex(text);
            } catch (IllegalArgumentException e) {
                throw WorkspaceException.invalidHostKey(file + " does not hold hex digits");
            }
            return of(key);
        } catch (IOException e) {
            throw WorkspaceException.io("reading or creating the host key", file, e);
        }
    }

    /**
     * The keyed digest of version {@code version} of the secret {@code name}: lowercase hex
     * HMAC-SHA256 over {@code "cairn-secret-version\0" + name + "\0" + version} (UTF-8). The name is
     * part of the input so that two secrets at the same version give different digests.
     */
    public String versionDigest(String name, String version) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            mac.update("cairn-secret-version\0".getBytes(StandardCharsets.UTF_8));
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(version.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(mac.doFinal());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java platform provides " + HMAC, e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HostKey k && Arrays.equals(key, k.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "HostKey[redacted]";
    }
}
