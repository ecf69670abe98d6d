package dev.cairn.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cell.api.RuntimeSecretLeaseRequest;
import dev.cairn.cell.api.SecretBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySecretBrokerTest extends SecretBrokerContract {

    @TempDir
    Path tmp;

    @Override
    protected CellScopedSecretBroker newBroker(TestClock clock, Map<String, String> secrets) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("secrets"));
        for (Map.Entry<String, String> e : secrets.entrySet()) {
            write(dir.resolve(e.getKey()), e.getValue(), "r--------");
        }
        return new DirectorySecretBroker(dir, clock);
    }

    private static void write(Path file, String value, String mode) throws IOException {
        Files.writeString(file, value, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    }

    @Test
    void aWorldReadableFileIsRefusedWithAClearError() throws IOException {
        Path dir = ((DirectorySecretBroker) broker).directory();
        write(dir.resolve("OPEN_TOKEN"), "world-readable-value", "rw-r--r--");
        SecretsException e = Errors.brokerFailure(() -> broker.resolve("OPEN_TOKEN", "c", 60), "secret_file_insecure");
        assertThat(e.getMessage()).contains("OPEN_TOKEN", "readable by every user", "rw-r--r--");
        assertThat(e.hint()).contains("0400", "defaultMode");
        write(dir.resolve("GROUP_WRITABLE"), "group-writable-value", "rw-rw----");
        assertThat(Errors.brokerFailure(() -> broker.resolve("GROUP_WRITABLE", "c", 60), "secret_file_insecure")
                        .getMessage())
                .contains("changed by other users");
        write(dir.resolve("GROUP_READ"), "group-readable-value", "r--r-----");
        assertThat(broker.resolve("GROUP_READ", "c", 60).reveal()).isEqualTo("group-readable-value");
    }

    @Test
    void kubernetesStyleLinksAreFollowedInsideTheDirectoryOnly() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("k8s"));
        Path data = Files.createDirectories(dir.resolve("..2026_11_23_10_00_00.123"));
        write(data.resolve("API_KEY"), "k8s-mounted-api-key\n", "r--------");
        Files.createSymbolicLink(dir.resolve("..data"), data.getFileName());
        Files.createSymbolicLink(dir.resolve("API_KEY"), Path.of("..data/API_KEY"));
        Path outside = tmp.resolve("outside");
        write(outside, "outside-the-directory", "r--------");
        Files.createSymbolicLink(dir.resolve("ESCAPE"), outside);

        DirectorySecretBroker k8s = new DirectorySecretBroker(dir, clock);
        assertThat(k8s.resolve("API_KEY", "c", 60).reveal()).isEqualTo("k8s-mounted-api-key");
        assertThat(Errors.brokerFailure(() -> k8s.resolve("ESCAPE", "c", 60), "secret_file_insecure")
                        .getMessage())
                .contains("outside the secrets directory");
    }

    @Test
    void oneTrailingLineBreakIsDroppedUnlessKept() throws IOException {
        Path dir = ((DirectorySecretBroker) broker).directory();
        write(dir.resolve("ECHOED"), "echoed-token-value\r\n", "r--------");
        write(dir.resolve("TWO_BREAKS"), "two-line-breaks-value\n\n", "r--------");
        assertThat(broker.resolve("ECHOED", "c", 60).reveal()).isEqualTo("echoed-token-value");
        assertThat(broker.resolve("TWO_BREAKS", "c", 60).reveal()).isEqualTo("two-line-breaks-value\n");
        DirectorySecretBroker keeping = ((DirectorySecretBroker) broker).keepingTrailingNewline();
        assertThat(keeping.resolve("ECHOED", "c", 60).reveal()).isEqualTo("echoed-token-value\r\n");
    }

    @Test
    void aRotatedFileIsReadByTheNextResolve() throws IOException {
        Path dir = ((DirectorySecretBroker) broker).directory();
        Path file = dir.resolve("DEPLOY_TOKEN");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        write(file, "rotated-deploy-token", "r--------");
        assertThat(broker.resolve("DEPLOY_TOKEN", "next-cell", 60).reveal()).isEqualTo("rotated-deploy-token");
    }

    @Test
    void shortLargeBinaryAndNonFileEntriesAreRefused() throws IOException {
        Path dir = ((DirectorySecretBroker) broker).directory();
        write(dir.resolve("PIN"), "1234", "r--------");
        Errors.brokerFailure(() -> broker.resolve("PIN", "c", 60), "secret_too_short");
        write(dir.resolve("HUGE"), "x".repeat(SecretPolicy.MAX_VALUE_BYTES + 10), "r--------");
        Errors.brokerFailure(() -> broker.resolve("HUGE", "c", 60), "secret_too_large");
        Files.write(dir.resolve("BINARY"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, (byte) 0xc3});
        Files.setPosixFilePermissions(dir.resolve("BINARY"), PosixFilePermissions.fromString("r--------"));
        Errors.brokerFailure(() -> broker.resolve("BINARY", "c", 60), "secret_not_text");
        Files.createDirectory(dir.resolve("A_DIRECTORY"));
        Errors.brokerFailure(() -> broker.resolve("A_DIRECTORY", "c", 60), "secret_not_found");
        assertThat(broker.heldBy("c")).isEmpty();
    }

    @Test
    void aMissingDirectoryIsSaidSo() {
        SecretsException e =
                Errors.failure(() -> new DirectorySecretBroker(tmp.resolve("nope"), clock), "secret_source_missing");
        assertThat(e.getMessage()).contains("nope");
    }

    @Test
    void withoutRuntimeLeasesItKeepsTheSeedsDefaults() {
        SecretBroker b = broker;
        assertThat(SecretBrokerContract.catchMessage(() -> b.prepareRuntimeSecretLease(
                        "cell-1", List.of(new RuntimeSecretLeaseRequest("DEPLOY_TOKEN", 60)))))
                .contains(SecretBroker.RUNTIME_LEASE_UNSUPPORTED);
        assertThat(b.brokerCorrelationId()).isEmpty();
    }
}
