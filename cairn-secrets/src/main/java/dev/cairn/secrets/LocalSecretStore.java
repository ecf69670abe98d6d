package dev.cairn.secrets;

import dev.cairn.json.JsonException;
import dev.cairn.json.wire.DenyUnknownFields;
import dev.cairn.json.wire.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cairn's encrypted local secret store: what {@code cairn secrets set|ls|rm} manage.
 *
 * <p><b>Layout</b> of the store directory (mode 0700, default {@code ~/.cairn/secrets}):
 *
 * <ul>
 *   <li>{@value #KEY_FILE}: 32 random bytes, the AES-256 key, mode 0600, created with the store.
 *       Opening refuses a key file that others may read or write, that is a link, or that another
 *       user owns ({@code secret_store_insecure}).
 *   <li>{@code values/NAME.json}: one file per secret, written to a temporary file, fsynced and
 *       renamed over the old one (then the directory is fsynced): {@code {"format":1,"name":…,
 *       "version":N,"created_at":…,"nonce":base64,"ciphertext":base64}}. The ciphertext is
 *       AES-256-GCM of the value under a random 96-bit nonce with a 128-bit tag; the associated
 *       data binds the secret's name and version ({@code cairn-secrets/v1 NUL name NUL version}),
 *       so a value moved to another name or version fails to decrypt ({@code secret_store_corrupt}).
 *   <li>{@value #LOCK_FILE}: taken (with {@link FileLock}) while the store changes, so concurrent
 *       {@code cairn secrets set} processes do not lose versions.
 * </ul>
 *
 * <p>Each {@link #set} makes a new version (1, 2, ...) and replaces the value: old values are not
 * kept. {@link #versionDigest} gives a keyed digest of the current version for cache keys. Values
 * never appear in messages, {@link #toString()} or logs. Thread-safe; several processes may share a
 * store.
 */
public final class LocalSecretStore {

    /** The key file's name in the store directory. */
    public static final String KEY_FILE = "key";

    /** The lock file's name in the store directory. */
    public static final String LOCK_FILE = "lock";

    /** The directory of the encrypted values. */
    public static final String VALUES_DIR = "values";

    static final int FORMAT = 1;
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final String AAD_PREFIX = "cairn-secrets/v1";
    private static final byte[] DIGEST_KEY_LABEL = "cairn-secrets/version-digest/v1".getBytes(StandardCharsets.UTF_8);

    private static final FileAttribute<Set<PosixFilePermission>> DIR_0700 =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> FILE_0600 =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS_LOCKS = new ConcurrentHashMap<>();

    /** The file form of one secret. */
    @DenyUnknownFields
    record StoredSecret(int format, String name, long version, Instant createdAt, String nonce, String ciphertext) {
        StoredSecret {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(createdAt, "created_at");
            Objects.requireNonNull(nonce, "nonce");
            Objects.requireNonNull(ciphertext, "ciphertext");
        }
    }

    private final Path directory;
    private final Path values;
    private final SecretKeySpec key;
    private final SecretKeySpec digestKey;
    private final InstantSource clock;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock inProcess;

    private LocalSecretStore(Path directory, byte[] keyBytes, InstantSource clock) {
        this.directory = directory;
        this.values = directory.resolve(VALUES_DIR);
        this.key = new SecretKeySpec(keyBytes, "AES");
        this.digestKey =
                new SecretKeySpec(hmac(new SecretKeySpec(keyBytes, "HmacSHA256"), DIGEST_KEY_LABEL), "HmacSHA256");
        this.clock = clock;
        this.inProcess = IN_PROCESS_LOCKS.computeIfAbsent(directory, d -> new ReentrantLock());
    }

    /** {@code $CAIRN_HOME/secrets} when {@code CAIRN_HOME} is set, else {@code ~/.cairn/secrets}. */
    public static Path defaultDirectory() {
        String home = System.getenv("CAIRN_HOME");
        return home != null && !home.isBlank()
                ? Path.of(home, "secrets")
                : Path.of(System.getProperty("user.home"), ".cairn", "secrets");
    }

    /** Opens (or creates) the store in {@code directory}, with the system clock. */
    public static LocalSecretStore open(Path directory) {
        return open(directory, InstantSource.system());
    }

    /**
     * Opens the store in {@code directory}, creating the directory (0700) and its key (0600) when
     * they do not exist.
     *
     * @throws SecretsException {@code secret_store_insecure} when the directory or key file may be
     *     read or changed by others; {@code secret_store_corrupt} for a key file of the wrong size;
     *     {@code secret_io}
     */
    public static LocalSecretStore open(Path directory, InstantSource clock) {
        Objects.requireNonNull(clock, "clock");
        Path dir =
                Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, DIR_0700);
            }
            checkDirectory(dir);
            ReentrantLock lock = IN_PROCESS_LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
            byte[] keyBytes = withLock(dir, lock, () -> {
                Path keyFile = dir.resolve(KEY_FILE);
                if (!Files.exists(keyFile, LinkOption.NOFOLLOW_LINKS)) {
                    byte[] fresh = new byte[KEY_BYTES];
                    new SecureRandom().nextBytes(fresh);
                    writeAtomically(keyFile, fresh);
                    Arrays.fill(fresh, (byte) 0);
                }
                Path valuesDir = dir.resolve(VALUES_DIR);
                if (!Files.exists(valuesDir, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(valuesDir, DIR_0700);
                }
                return readKey(keyFile);
            });
            try {
                return new LocalSecretStore(dir, keyBytes, clock);
            } finally {
                Arrays.fill(keyBytes, (byte) 0);
            }
        } catch (IOException e) {
            throw SecretsException.io("cannot open the secret store " + dir, e);
        } catch (UnsupportedOperationException e) {
            throw SecretsException.storeInsecure(
                    "the secret store " + dir + " is on a file system without POSIX permissions",
                    "Put the store on a POSIX file system (Linux, macOS).");
        }
    }

    /** The store directory. */
    public Path directory() {
        return directory;
    }

    /** A broker over this store, with the store's clock; it supports runtime leases. */
    public LocalSecretBroker broker() {
        return new LocalSecretBroker(this, clock);
    }

    /**
     * Sets {@code name} to {@code value} (the caller keeps and wipes its array), as a new version.
     *
     * @return the new version's name, number and time
     * @throws SecretsException {@code invalid_secret_name}, {@code secret_too_short} (with the
     *     reason), {@code secret_too_large}, {@code secret_not_text}, {@code secret_io}
     */
    public SecretInfo set(String name, byte[] value) {
        SecretPolicy.requireName(name);
        Objects.requireNonNull(value, "value");
        SecretPolicy.requireValue(name, value);
        return locked(() -> {
            long previous;
            try {
                previous = readStored(name).map(StoredSecret::version).orElse(0L);
            } catch (SecretsException damaged) {
                previous = 0; // setting a damaged secret again is how it is repaired
            }
            long version = previous + 1;
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            byte[] ciphertext = crypt(Cipher.ENCRYPT_MODE, nonce, name, version, value);
            Instant created = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            StoredSecret stored = new StoredSecret(
                    FORMAT,
                    name,
                    version,
                    created,
                    Base64.getEncoder().encodeToString(nonce),
                    Base64.getEncoder().encodeToString(ciphertext));
            writeAtomically(valueFile(name), Wire.writeBytes(stored));
            return new SecretInfo(name, version, created);
        });
    }

    /** The secrets in the store, by name: names, versions and times, never values. */
    public List<SecretInfo> list() {
        List<SecretInfo> infos = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(values, "*.json")) {
            for (Path file : files) {
                String fileName = file.getFileName().toString();
                String name = fileName.substring(0, fileName.length() - ".json".length());
                if (SecretPolicy.isName(name)) {
                    readStored(name).ifPresent(s -> infos.add(new SecretInfo(s.name(), s.version(), s.createdAt())));
                }
            }
        } catch (IOException e) {
            throw SecretsException.io("cannot list the secret store " + directory, e);
        }
        infos.sort(Comparator.comparing(SecretInfo::name));
        return List.copyOf(infos);
    }

    /** The current version of {@code name}, if it is set. */
    public Optional<SecretInfo> info(String name) {
        SecretPolicy.requireName(name);
        return readStored(name).map(s -> new SecretInfo(s.name(), s.version(), s.createdAt()));
    }

    /**
     * Removes {@code name}: its file is deleted (the value is gone with it).
     *
     * @return the version removed
     * @throws SecretsException {@code secret_not_found}
     */
    public SecretInfo remove(String name) {
        SecretPolicy.requireName(name);
        return locked(() -> {
            Path file = valueFile(name);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw SecretsException.notFound(name, "the secret store " + directory);
            }
            SecretInfo info;
            try {
                info = readStored(name)
                        .map(s -> new SecretInfo(s.name(), s.version(), s.createdAt()))
                        .orElseThrow();
            } catch (SecretsException e) {
                // a damaged file can still be removed
                info = new SecretInfo(name, 0, Files.getLastModifiedTime(file).toInstant());
            }
            Files.delete(file);
            fsyncDirectory(values);
            return info;
        });
    }

    /**
     * A keyed digest (HMAC-SHA256, lowercase hex) of the current version of {@code name}: it changes
     * with every {@link #set}, differs between stores, and says nothing about the value. For cache
     * keys, which must change when a secret does but must not carry it.
     *
     * @throws SecretsException {@code secret_not_found}
     */
    public String versionDigest(String name) {
        SecretPolicy.requireName(name);
        StoredSecret s =
                readStored(name).orElseThrow(() -> SecretsException.notFound(name, "the secret store " + directory));
        byte[] input = (s.name() + "\0" + s.version() + "\0" + s.nonce()).getBytes(StandardCharsets.UTF_8);
        return HexFormat.of().formatHex(hmac(digestKey, input));
    }

    /**
     * The current value of {@code name}; the caller wipes it.
     *
     * @throws SecretsException {@code secret_not_found}, {@code secret_store_corrupt}
     */
    byte[] read(String name) {
        StoredSecret s =
                readStored(name).orElseThrow(() -> SecretsException.notFound(name, "the secret store " + directory));
        if (s.format() != FORMAT || !s.name().equals(name)) {
            throw SecretsException.storeCorrupt(
                    "secret file " + valueFile(name) + " does not hold secret " + name + " in format " + FORMAT, null);
        }
        byte[] nonce;
        byte[] ciphertext;
        try {
            nonce = Base64.getDecoder().decode(s.nonce());
            ciphertext = Base64.getDecoder().decode(s.ciphertext());
        } catch (IllegalArgumentException e) {
            throw SecretsException.storeCorrupt("secret file " + valueFile(name) + " is not valid base64", null);
        }
        if (nonce.length != NONCE_BYTES) {
            throw SecretsException.storeCorrupt("secret file " + valueFile(name) + " has a bad nonce", null);
        }
        return crypt(Cipher.DECRYPT_MODE, nonce, name, s.version(), ciphertext);
    }

    private Optional<StoredSecret> readStored(String name) {
        Path file = valueFile(name);
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw SecretsException.io("cannot read secret file " + file, e);
        }
        try {
            return Optional.of(Wire.read(json, StoredSecret.class));
        } catch (JsonException e) {
            throw SecretsException.storeCorrupt(
                    "secret file " + file + " is not a stored secret: " + e.getMessage(), null);
        }
    }

    private byte[] crypt(int mode, byte[] nonce, String name, long version, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD((AAD_PREFIX + "\0" + name + "\0" + version).getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw SecretsException.storeCorrupt(
                    "secret " + name + " (version " + version + ") does not decrypt with the key of " + directory
                            + ": it was changed, moved from another name or version, or written with another key",
                    null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    private static byte[] hmac(SecretKeySpec key, byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    private Path valueFile(String name) {
        return values.resolve(name + ".json");
    }

    // ------------------------------------------------------------------ files, permissions, locks

    @FunctionalInterface
    private interface IoAction<T> {
        T run() throws IOException;
    }

    private <T> T locked(IoAction<T> action) {
        try {
            return withLock(directory, inProcess, action);
        } catch (IOException e) {
            throw SecretsException.io("cannot change the secret store " + directory, e);
        }
    }

    /** Runs {@code action} holding the in-process lock and the store's file lock. */
    private static <T> T withLock(Path dir, ReentrantLock lock, IoAction<T> action) throws IOException {
        lock.lock();
        try (FileChannel channel = openLockFile(dir.resolve(LOCK_FILE))) {
            FileLock fileLock = channel.lock();
            try {
                return action.run();
            } finally {
                fileLock.release();
            }
        } finally {
            lock.unlock();
        }
    }

    private static FileChannel openLockFile(Path lockFile) throws IOException {
        try {
            return FileChannel.open(
                    lockFile, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_0600);
        } catch (FileAlreadyExistsException e) {
            return FileChannel.open(lockFile, StandardOpenOption.WRITE);
        }
    }

    /** Writes {@code content} to a 0600 temporary file, fsyncs it, renames it over {@code target}, fsyncs the directory. */
    private static Void writeAtomically(Path target, byte[] content) throws IOException {
        Path dir = target.getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + Long.toHexString(System.nanoTime()));
        try {
            try (FileChannel ch =
                    FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE_0600)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(dir);
        return null;
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** The store directory must be owned by this user and not writable by others. */
    private static void checkDirectory(Path dir) throws IOException {
        PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isDirectory()) {
            throw SecretsException.storeInsecure(
                    "the secret store " + dir + " is not a directory",
                    "Point the store at a directory (or a new path).");
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw SecretsException.storeInsecure(
                    "the secret store " + dir + " may be changed by other users ("
                            + PosixFilePermissions.toString(perms) + ")",
                    "chmod 700 " + dir);
        }
        requireOwnedByThisUser(dir, "the secret store " + dir);
    }

    /** The key file: a regular file (not a link), 0600 or 0400, owned by this user, 32 bytes. */
    private static byte[] readKey(Path keyFile) throws IOException {
        PosixFileAttributes attrs = Files.readAttributes(keyFile, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isRegularFile()) {
            throw SecretsException.storeInsecure(
                    "the key file " + keyFile + " is not a regular file (a link or a directory)",
                    "Remove it; a store's key is a plain file Cairn creates.");
        }
        Set<PosixFilePermission> allowed = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        if (!allowed.containsAll(attrs.permissions())) {
            throw SecretsException.storeInsecure(
                    "the key file " + keyFile + " has mode " + PosixFilePermissions.toString(attrs.permissions())
                            + "; it must be readable and writable by its owner only (0600)",
                    "chmod 600 " + keyFile + ". If others could read it, treat the stored secrets as disclosed:"
                            + " rotate them, then move the store away and set them again.");
        }
        requireOwnedByThisUser(keyFile, "the key file " + keyFile);
        if (attrs.size() != KEY_BYTES) {
            throw SecretsException.storeCorrupt(
                    "the key file " + keyFile + " is " + attrs.size() + " bytes, not " + KEY_BYTES, null);
        }
        return Files.readAllBytes(keyFile);
    }

    private static void requireOwnedByThisUser(Path path, String what) throws IOException {
        Optional<Integer> me = Posix.effectiveUid();
        if (me.isPresent()) {
            int owner = (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != me.get()) {
                throw SecretsException.storeInsecure(
                        what + " is owned by uid " + owner + ", not by this user (uid " + me.get() + ")",
                        "Use a store owned by the user that runs Cairn, or chown it to that user.");
            }
        } else {
            String owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS).getName();
            if (!owner.equals(System.getProperty("user.name"))) {
                throw SecretsException.storeInsecure(
                        what + " is owned by " + owner + ", not by this user",
                        "Use a store owned by the user that runs Cairn, or chown it to that user.");
            }
        }
    }

    /** The directory, never a value. */
    @Override
    public String toString() {
        return "LocalSecretStore[" + directory + "]";
    }
}
