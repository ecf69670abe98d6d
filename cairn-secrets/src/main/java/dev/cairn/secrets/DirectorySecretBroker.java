package dev.cairn.secrets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * Secrets as files of one directory, one file per secret named like the secret: a Kubernetes secret
 * volume, Docker's {@code /run/secrets}, or a directory an operator fills.
 *
 * <p>Each {@link #resolve} reads the file afresh, so a rotated value (Kubernetes updates mounted
 * secrets in place) is picked up by the next cell. Symbolic links are followed (Kubernetes mounts
 * are links into {@code ..data/}) but must stay inside the directory. A file that every user may
 * read, or that others than its owner may change, is refused ({@code secret_file_insecure}): set
 * {@code defaultMode: 0400} on a Kubernetes secret volume, {@code mode: 0400} for a Compose secret.
 * One trailing line break ({@code \n} or {@code \r\n}) is dropped by default, since files written
 * with {@code echo} end with one; {@link #keepingTrailingNewline()} keeps it. No runtime leases.
 */
public final class DirectorySecretBroker extends CellScopedSecretBroker {

    private final Path directory;
    private final boolean trimTrailingNewline;

    /** A broker over the files of {@code directory}, which must exist. */
    public DirectorySecretBroker(Path directory, InstantSource clock) {
        this(directory, clock, true);
    }

    private DirectorySecretBroker(Path directory, InstantSource clock, boolean trimTrailingNewline) {
        super(clock);
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            throw SecretsException.sourceMissing("secrets directory " + directory);
        }
        this.directory = directory.toAbsolutePath().normalize();
        this.trimTrailingNewline = trimTrailingNewline;
    }

    /** The same broker, keeping a trailing line break as part of each value. */
    public DirectorySecretBroker keepingTrailingNewline() {
        return new DirectorySecretBroker(directory, clock, false);
    }

    /** The directory read. */
    public Path directory() {
        return directory;
    }

    @Override
    protected byte[] read(String name) {
        Path file = directory.resolve(name);
        Path real;
        PosixFileAttributes attrs;
        try {
            real = file.toRealPath();
            Path root = directory.toRealPath();
            if (!real.startsWith(root)) {
                throw SecretsException.fileInsecure(
                        "secret file " + file + " is a link to " + real + ", outside the secrets directory");
            }
            attrs = Files.readAttributes(real, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw SecretsException.notFound(name, "directory " + directory);
        } catch (UnsupportedOperationException e) {
            throw SecretsException.fileInsecure(
                    "secret file " + file + " is on a file system without POSIX permissions, which cannot be checked");
        } catch (IOException e) {
            throw SecretsException.io("cannot read secret file " + file, e);
        }
        if (!attrs.isRegularFile()) {
            throw SecretsException.notFound(name, "directory " + directory + " (" + file + " is not a regular file)");
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        String mode = PosixFilePermissions.toString(perms);
        if (perms.contains(PosixFilePermission.OTHERS_READ)) {
            throw SecretsException.fileInsecure(
                    "secret file " + file + " is readable by every user (" + mode + "); Cairn refuses to use it");
        }
        if (perms.contains(PosixFilePermission.OTHERS_WRITE) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
            throw SecretsException.fileInsecure(
                    "secret file " + file + " may be changed by other users (" + mode + "); Cairn refuses to use it");
        }
        if (attrs.size() > SecretPolicy.MAX_VALUE_BYTES + 2) {
            throw SecretsException.tooLarge(name, attrs.size());
        }
        byte[] value;
        try (InputStream in = Files.newInputStream(real)) {
            value = in.readNBytes(SecretPolicy.MAX_VALUE_BYTES + 3);
        } catch (IOException e) {
            throw SecretsException.io("cannot read secret file " + file, e);
        }
        if (value.length > SecretPolicy.MAX_VALUE_BYTES + 2) {
            Arrays.fill(value, (byte) 0);
            throw SecretsException.tooLarge(name, value.length);
        }
        return trimTrailingNewline ? SecretValues.withoutTrailingNewline(value) : value;
    }

    @Override
    public String source() {
        return "directory " + directory;
    }
}
