package dev.cairn.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.StrictJson;
import dev.cairn.secrets.mask.Masker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretStoreTest {

    private static final String TOKEN = "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB";

    @TempDir
    Path tmp;

    Path dir;
    TestClock clock;
    LocalSecretStore store;

    @BeforeEach
    void open() {
        dir = tmp.resolve("home/.cairn/secrets");
        clock = new TestClock();
        store = LocalSecretStore.open(dir, clock);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private byte[] read(String name) {
        return store.read(name);
    }

    @Test
    void openingCreatesAPrivateDirectoryAndA0600Key() throws IOException {
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(mode(dir.resolve("key"))).isEqualTo("rw-------");
        assertThat(Files.size(dir.resolve("key"))).isEqualTo(32);
        assertThat(mode(dir.resolve("values"))).isEqualTo("rwx------");
        byte[] key = Files.readAllBytes(dir.resolve("key"));
        LocalSecretStore.open(dir, clock); // opening again keeps the key
        assertThat(Files.readAllBytes(dir.resolve("key"))).isEqualTo(key);
        assertThat(store.toString()).isEqualTo("LocalSecretStore[" + dir + "]");
    }

    @Test
    void setListRemoveWithVersionsAndTimes() {
        SecretInfo first = store.set("DEPLOY_TOKEN", utf8(TOKEN));
        assertThat(first).isEqualTo(new SecretInfo("DEPLOY_TOKEN", 1, clock.instant()));
        clock.advance(Duration.ofMinutes(5));
        SecretInfo second = store.set("DEPLOY_TOKEN", utf8(TOKEN + "-rotated"));
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.createdAt()).isEqualTo(clock.instant());
        store.set("A_PASSWORD", utf8("hunter2-hunter2"));
        assertThat(store.list()).containsExactly(new SecretInfo("A_PASSWORD", 1, clock.instant()), second);
        assertThat(new String(read("DEPLOY_TOKEN"), StandardCharsets.UTF_8)).isEqualTo(TOKEN + "-rotated");

        // another store object on the same directory (another process) sees the same
        LocalSecretStore again = LocalSecretStore.open(dir, clock);
        assertThat(new String(again.read("A_PASSWORD"), StandardCharsets.UTF_8)).isEqualTo("hunter2-hunter2");

        assertThat(store.remove("A_PASSWORD").version()).isEqualTo(1);
        assertThat(store.info("A_PASSWORD")).isEmpty();
        SecretsException e = Errors.failure(() -> store.remove("A_PASSWORD"), "secret_not_found");
        assertThat(e.getMessage()).contains("A_PASSWORD");
        assertThat(store.set("A_PASSWORD", utf8("a-new-start-123")).version()).isEqualTo(1);
    }

    @Test
    void noByteOnDiskHoldsTheValueInAnyForm() throws IOException {
        String multiLine = "-----BEGIN KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8\n-----END KEY-----\n";
        store.set("DEPLOY_TOKEN", utf8(TOKEN));
        store.set("DEPLOY_KEY", utf8(multiLine));
        store.set("DEPLOY_TOKEN", utf8(TOKEN)); // the old version's file is replaced, not kept
        Masker masker = Masker.builder()
                .secret("DEPLOY_TOKEN", utf8(TOKEN))
                .secret("DEPLOY_KEY", utf8(multiLine))
                .build();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files)
                .extracting(p -> dir.relativize(p).toString())
                .containsExactlyInAnyOrder("key", "lock", "values/DEPLOY_TOKEN.json", "values/DEPLOY_KEY.json");
        for (Path f : files) {
            assertThat(masker.find(Files.readAllBytes(f))).as("%s", f).isEmpty();
            assertThat(mode(f)).isEqualTo("rw-------");
        }
        ObjectNode stored = (ObjectNode) StrictJson.parse(Files.readAllBytes(dir.resolve("values/DEPLOY_TOKEN.json")));
        assertThat(stored.get("format").intValue()).isEqualTo(1);
        assertThat(stored.get("version").longValue()).isEqualTo(2);
        assertThat(stored.get("created_at").textValue()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(java.util.Base64.getDecoder().decode(stored.get("nonce").textValue()))
                .hasSize(12);
        // ciphertext = value + 16-byte tag
        assertThat(java.util.Base64.getDecoder().decode(stored.get("ciphertext").textValue()))
                .hasSize(TOKEN.length() + 16);
    }

    @Test
    void aValueMovedToAnotherNameOrVersionDoesNotDecrypt() throws IOException {
        store.set("FIRST_TOKEN", utf8(TOKEN));
        store.set("SECOND_TOKEN", utf8("another-secret-value"));
        Path first = dir.resolve("values/FIRST_TOKEN.json");
        Path second = dir.resolve("values/SECOND_TOKEN.json");
        // swap the ciphertexts (and nonces) of the two names
        ObjectNode a = (ObjectNode) StrictJson.parse(Files.readAllBytes(first));
        ObjectNode b = (ObjectNode) StrictJson.parse(Files.readAllBytes(second));
        ObjectNode swapped = b.deepCopy();
        swapped.put("name", "FIRST_TOKEN");
        Files.writeString(first, swapped.toString());
        SecretsException e = Errors.failure(() -> read("FIRST_TOKEN"), "secret_store_corrupt");
        assertThat(e.getMessage()).contains("FIRST_TOKEN", "does not decrypt").doesNotContain(TOKEN);

        // an older version put back under a newer number
        ObjectNode bumped = a.deepCopy();
        bumped.put("version", 7);
        Files.writeString(first, bumped.toString());
        Errors.failure(() -> read("FIRST_TOKEN"), "secret_store_corrupt");

        // a flipped bit of the ciphertext
        byte[] ct = java.util.Base64.getDecoder().decode(a.get("ciphertext").textValue());
        ct[3] ^= 1;
        ObjectNode flipped = a.deepCopy();
        flipped.put("ciphertext", java.util.Base64.getEncoder().encodeToString(ct));
        Files.writeString(first, flipped.toString());
        Errors.failure(() -> read("FIRST_TOKEN"), "secret_store_corrupt");

        // a file that is not a stored secret
        Files.writeString(first, "{\"format\":1}");
        Errors.failure(() -> read("FIRST_TOKEN"), "secret_store_corrupt");
        // it can still be set again, and removed
        assertThat(store.set("FIRST_TOKEN", utf8(TOKEN)).version()).isEqualTo(1);
        Files.writeString(first, "garbage");
        assertThat(store.remove("FIRST_TOKEN").name()).isEqualTo("FIRST_TOKEN");

        // the original file restored: it decrypts again
        Files.writeString(first, a.toString());
        assertThat(new String(read("FIRST_TOKEN"), StandardCharsets.UTF_8)).isEqualTo(TOKEN);
    }

    @Test
    void anotherStoresKeyCannotReadTheValues() throws IOException {
        store.set("DEPLOY_TOKEN", utf8(TOKEN));
        LocalSecretStore other = LocalSecretStore.open(tmp.resolve("other"), clock);
        Files.copy(dir.resolve("values/DEPLOY_TOKEN.json"), tmp.resolve("other/values/DEPLOY_TOKEN.json"));
        Errors.failure(() -> other.read("DEPLOY_TOKEN"), "secret_store_corrupt");
        assertThat(other.versionDigest("DEPLOY_TOKEN")).isNotEqualTo(store.versionDigest("DEPLOY_TOKEN"));
    }

    @Test
    void aKeyFileOthersMayReadIsRefused() throws IOException {
        Path key = dir.resolve("key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        SecretsException e = Errors.failure(() -> LocalSecretStore.open(dir, clock), "secret_store_insecure");
        assertThat(e.getMessage()).contains(key.toString(), "rw-r--r--", "0600");
        assertThat(e.hint()).contains("chmod 600");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw----"));
        Errors.failure(() -> LocalSecretStore.open(dir, clock), "secret_store_insecure");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        LocalSecretStore.open(dir, clock); // 0400 is fine
    }

    @Test
    void aKeyFileThatIsALinkOrTheWrongSizeIsRefused() throws IOException {
        Path key = dir.resolve("key");
        Path elsewhere = tmp.resolve("elsewhere-key");
        Files.move(key, elsewhere);
        Files.createSymbolicLink(key, elsewhere);
        Errors.failure(() -> LocalSecretStore.open(dir, clock), "secret_store_insecure");
        Files.delete(key);
        Files.write(key, new byte[16]);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Errors.failure(() -> LocalSecretStore.open(dir, clock), "secret_store_corrupt");
    }

    @Test
    void aKeyFileOwnedByAnotherUserIsRefused() throws IOException {
        assumeTrue(Posix.effectiveUid().orElse(-1) == 0, "only root can give a file to another user");
        Path key = dir.resolve("key");
        Files.setAttribute(key, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        SecretsException e = Errors.failure(() -> LocalSecretStore.open(dir, clock), "secret_store_insecure");
        assertThat(e.getMessage()).contains("owned by uid 65534", "uid 0");
    }

    @Test
    void aStoreDirectoryOthersMayChangeIsRefused() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        SecretsException e = Errors.failure(() -> LocalSecretStore.open(dir, clock), "secret_store_insecure");
        assertThat(e.hint()).contains("chmod 700");
    }

    @Test
    void shortBinaryAndBadlyNamedSecretsAreRefusedAtSetWithTheReason() {
        SecretsException shortOne = Errors.failure(() -> store.set("PIN", utf8("1234567")), "secret_too_short");
        assertThat(shortOne.getMessage())
                .isEqualTo("secret PIN is 7 bytes; secrets must be at least 8 bytes, because Cairn masks every"
                        + " occurrence of a secret in step output and masking shorter strings would mangle"
                        + " ordinary output");
        Errors.failure(() -> store.set("NUL", utf8("abc\0defghij")), "secret_not_text");
        Errors.failure(() -> store.set("BIG", new byte[SecretPolicy.MAX_VALUE_BYTES + 1]), "secret_too_large");
        SecretsException name = Errors.failure(() -> store.set("deploy-token", utf8(TOKEN)), "invalid_secret_name");
        assertThat(name.getMessage()).contains("'deploy-token'");
        // someone pasted the value where the name goes: it is not repeated
        SecretsException pasted = Errors.failure(() -> store.set(TOKEN, utf8(TOKEN)), "invalid_secret_name");
        assertThat(pasted.getMessage()).doesNotContain(TOKEN).contains("not shown");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void versionDigestsChangeWithEverySetAndSayNothingOfTheValue() {
        store.set("DEPLOY_TOKEN", utf8(TOKEN));
        String v1 = store.versionDigest("DEPLOY_TOKEN");
        assertThat(v1).matches("[0-9a-f]{64}");
        assertThat(LocalSecretStore.open(dir, clock).versionDigest("DEPLOY_TOKEN"))
                .isEqualTo(v1);
        store.set("DEPLOY_TOKEN", utf8(TOKEN));
        String v2 = store.versionDigest("DEPLOY_TOKEN");
        assertThat(v2).isNotEqualTo(v1);
        store.remove("DEPLOY_TOKEN");
        store.set("DEPLOY_TOKEN", utf8(TOKEN)); // version 1 again, but a new digest
        assertThat(store.versionDigest("DEPLOY_TOKEN")).isNotIn(v1, v2);
        Errors.failure(() -> store.versionDigest("MISSING"), "secret_not_found");
        assertThat(store.broker().versionDigest("DEPLOY_TOKEN")).isEqualTo(store.versionDigest("DEPLOY_TOKEN"));
    }

    @Test
    void concurrentSetsMakeDistinctVersions() throws Exception {
        LocalSecretStore second = LocalSecretStore.open(dir, clock);
        List<Future<SecretInfo>> sets = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                LocalSecretStore s = i % 2 == 0 ? store : second;
                String value = "concurrent-value-" + i;
                sets.add(pool.submit(() -> s.set("SHARED", utf8(value))));
            }
        }
        Set<Long> versions = new java.util.HashSet<>();
        for (Future<SecretInfo> f : sets) {
            versions.add(f.get().version());
        }
        assertThat(versions).hasSize(40);
        assertThat(store.info("SHARED").orElseThrow().version()).isEqualTo(40);
        try (Stream<Path> left = Files.list(dir.resolve("values"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("SHARED.json"); // no temp files
        }
    }
}
