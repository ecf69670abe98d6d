package dev.cairn.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cell.api.SecretBroker;
import dev.cairn.cell.api.SecretView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CellSecretsTest {

    private static final String TOKEN = "dpl_9f8e7d6c5b4a3f2e1d0c";
    private static final String KEY =
            "-----BEGIN KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8\n-----END KEY-----\n";

    @TempDir
    Path tmp;

    TestClock clock;
    LocalSecretStore store;
    LocalSecretBroker broker;

    @BeforeEach
    void setUp() {
        clock = new TestClock();
        store = LocalSecretStore.open(tmp.resolve("store"), clock);
        store.set("DEPLOY_TOKEN", TOKEN.getBytes(StandardCharsets.UTF_8));
        store.set("DEPLOY_KEY", KEY.getBytes(StandardCharsets.UTF_8));
        broker = store.broker();
    }

    private static final List<SecretRequest> REQUESTS = List.of(
            SecretRequest.env("DEPLOY_TOKEN"),
            SecretRequest.env("DEPLOY_TOKEN", "NODE_AUTH_TOKEN"),
            SecretRequest.file("DEPLOY_KEY", "deploy_key"));

    @Test
    void deliversEnvironmentAndFilesAndMasksWhatTheCellPrints() {
        try (CellSecrets secrets = CellSecrets.resolve(broker, "cell-1", REQUESTS, Duration.ofMinutes(10), clock)) {
            assertThat(secrets.names()).containsExactly("DEPLOY_TOKEN", "DEPLOY_KEY");
            assertThat(secrets.environment())
                    .containsExactly(Map.entry("DEPLOY_TOKEN", TOKEN), Map.entry("NODE_AUTH_TOKEN", TOKEN));
            List<SecretFile> files = secrets.files();
            assertThat(files).hasSize(1);
            assertThat(files.getFirst().name()).isEqualTo("deploy_key");
            assertThat(new String(files.getFirst().content(), StandardCharsets.UTF_8))
                    .isEqualTo(KEY);
            assertThat(files.getFirst().toString()).doesNotContain("BEGIN");
            assertThat(secrets.masker().mask("token " + TOKEN + " key line MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8"))
                    .isEqualTo("token *** key line ***");
            assertThat(secrets.expiresAt()).isEqualTo(clock.instant().plusSeconds(600));
            assertThat(broker.heldBy("cell-1")).containsExactly("DEPLOY_KEY", "DEPLOY_TOKEN");
            assertThat(secrets.correlationId())
                    .isEqualTo(broker.correlationId("cell-1"))
                    .isPresent();
            assertThat(secrets.toString()).contains("cell-1", "DEPLOY_TOKEN").doesNotContain(TOKEN);
            assertThat(secrets.fetch("DEPLOY_TOKEN").reveal()).isEqualTo(TOKEN);
        }
        // closed: revoked at the broker too
        assertThat(broker.heldBy("cell-1")).isEmpty();
        assertThat(broker.correlationId("cell-1")).isEmpty();
    }

    @Test
    void afterRevocationNothingIsDeliveredButOutputIsStillMasked() {
        CellSecrets secrets = CellSecrets.resolve(broker, "cell-1", REQUESTS, Duration.ofMinutes(10), clock);
        SecretView fetched = secrets.fetch("DEPLOY_TOKEN");
        secrets.revoke();
        secrets.revoke();
        assertThat(secrets.isRevoked()).isTrue();
        assertThat(fetched.isDestroyed()).isTrue();
        Errors.failure(secrets::environment, "secret_revoked");
        Errors.failure(secrets::files, "secret_revoked");
        Errors.failure(() -> secrets.fetch("DEPLOY_TOKEN"), "secret_revoked");
        assertThat(secrets.masker().mask(TOKEN)).isEqualTo("***");
    }

    @Test
    void afterTheTimeToLiveNothingIsDelivered() {
        CellSecrets secrets = CellSecrets.resolve(broker, "cell-1", REQUESTS, Duration.ofSeconds(90), clock);
        clock.advance(Duration.ofSeconds(89));
        assertThat(secrets.environment()).hasSize(2);
        clock.advance(Duration.ofSeconds(1));
        SecretsException e = Errors.failure(secrets::environment, "secret_expired");
        assertThat(e.getMessage()).contains("cell-1");
        Errors.failure(secrets::files, "secret_expired");
        Errors.brokerFailure(() -> broker.fetchRuntimeSecret("DEPLOY_TOKEN", "cell-1", 10), "secret_expired");
        assertThat(broker.heldBy("cell-1")).isEmpty(); // wiped by the broker's sweep as well
        secrets.close();
    }

    @Test
    void aFailureHalfwayRevokesWhatWasResolved() {
        DirectorySecretBroker dir = directoryBroker(Map.of("DEPLOY_TOKEN", TOKEN));
        List<SecretRequest> requests = List.of(SecretRequest.env("DEPLOY_TOKEN"), SecretRequest.env("MISSING"));
        Errors.brokerFailure(
                () -> CellSecrets.resolve(dir, "cell-1", requests, Duration.ofMinutes(1), clock), "secret_not_found");
        assertThat(dir.heldBy("cell-1")).isEmpty();

        // the lease is ended too
        Errors.brokerFailure(
                () -> CellSecrets.resolve(broker, "cell-2", requests, Duration.ofMinutes(1), clock),
                "secret_not_found");
        assertThat(broker.correlationId("cell-2")).isEmpty();
    }

    @Test
    void aBrokerWithoutLeasesWorksAndLendsItsOwnCorrelationId() {
        DirectorySecretBroker dir = directoryBroker(Map.of("DEPLOY_TOKEN", TOKEN));
        try (CellSecrets secrets = CellSecrets.resolve(
                dir, "cell-1", List.of(SecretRequest.env("DEPLOY_TOKEN")), Duration.ofMinutes(1), clock)) {
            assertThat(secrets.correlationId()).isEmpty();
            assertThat(secrets.environment()).containsEntry("DEPLOY_TOKEN", TOKEN);
            assertThat(secrets.fetch("DEPLOY_TOKEN").reveal()).isEqualTo(TOKEN); // the seed's default: resolve again
        }
        SecretBroker withSession = new SecretBroker() {
            @Override
            public SecretView resolve(String key, String cellId, long ttlSeconds) {
                return dir.resolve(key, cellId, ttlSeconds);
            }

            @Override
            public void revokeForCell(String cellId) {
                dir.revokeForCell(cellId);
            }

            @Override
            public Optional<String> brokerCorrelationId() {
                return Optional.of("vault-session-42");
            }
        };
        try (CellSecrets secrets = CellSecrets.resolve(
                withSession, "cell-2", List.of(SecretRequest.env("DEPLOY_TOKEN")), Duration.ofMinutes(1), clock)) {
            assertThat(secrets.correlationId()).contains("vault-session-42");
        }
        assertThat(dir.heldBy("cell-2")).isEmpty();
    }

    @Test
    void aValueThatCannotBeMaskedIsNeverDelivered() {
        // A third-party broker that does not check lengths: Cairn still refuses to deliver what it cannot mask.
        SecretBroker lax = new SecretBroker() {
            boolean revoked;

            @Override
            public SecretView resolve(String key, String cellId, long ttlSeconds) {
                return SecretView.of(key, "pin1");
            }

            @Override
            public void revokeForCell(String cellId) {
                revoked = true;
            }

            @Override
            public String toString() {
                return String.valueOf(revoked);
            }
        };
        Errors.failure(
                () -> CellSecrets.resolve(
                        lax, "cell-1", List.of(SecretRequest.env("PIN")), Duration.ofMinutes(1), clock),
                "secret_too_short");
        assertThat(lax.toString()).isEqualTo("true");
    }

    @Test
    void inconsistentRequestsAreRefusedBeforeAnythingIsResolved() {
        List<SecretRequest> twice =
                List.of(SecretRequest.env("DEPLOY_TOKEN", "TOKEN"), SecretRequest.env("DEPLOY_KEY", "TOKEN"));
        assertThat(Errors.failure(
                                () -> CellSecrets.resolve(broker, "cell-1", twice, Duration.ofMinutes(1), clock),
                                "invalid_secret_request")
                        .getMessage())
                .contains("TOKEN");
        List<SecretRequest> fileTwice =
                List.of(SecretRequest.file("DEPLOY_TOKEN", "f"), SecretRequest.file("DEPLOY_KEY", "f"));
        Errors.failure(
                () -> CellSecrets.resolve(broker, "cell-1", fileTwice, Duration.ofMinutes(1), clock),
                "invalid_secret_request");
        Errors.failure(() -> CellSecrets.resolve(broker, "cell-1", REQUESTS, Duration.ZERO, clock), "invalid_ttl");
        Errors.failure(
                () -> CellSecrets.resolve(broker, "cell-1", REQUESTS, Duration.ofDays(400), clock), "invalid_ttl");
        Errors.failure(() -> SecretRequest.env("DEPLOY_TOKEN", "CAIRN_CELL_ID"), "invalid_secret_request");
        Errors.failure(() -> SecretRequest.file("DEPLOY_TOKEN", "../etc/passwd"), "invalid_secret_request");
        Errors.failure(() -> SecretRequest.env("deploy-token"), "invalid_secret_name");
        assertThat(broker.heldBy("cell-1")).isEmpty();
        assertThat(broker.correlationId("cell-1")).isEmpty();
    }

    @Test
    void onlyDeclaredSecretsCanBeFetched() {
        try (CellSecrets secrets = CellSecrets.resolve(
                broker, "cell-1", List.of(SecretRequest.env("DEPLOY_TOKEN")), Duration.ofMinutes(1), clock)) {
            Errors.failure(() -> secrets.fetch("DEPLOY_KEY"), "invalid_secret_request");
            // nor can the broker hand it out under this cell's lease
            Errors.brokerFailure(() -> broker.fetchRuntimeSecret("DEPLOY_KEY", "cell-1", 10), "runtime_lease_missing");
        }
    }

    @Test
    void noRequestsNoSecrets() {
        try (CellSecrets none = CellSecrets.resolve(broker, "cell-1", List.of(), Duration.ofMinutes(1), clock)) {
            assertThat(none.environment()).isEmpty();
            assertThat(none.files()).isEmpty();
            assertThat(none.masker().patternCount()).isZero();
            assertThat(none.correlationId()).isEmpty();
        }
        assertThatThrownBy(() -> CellSecrets.resolve(broker, "", List.of(), Duration.ofMinutes(1), clock))
                .isInstanceOf(SecretsException.class);
    }

    private DirectorySecretBroker directoryBroker(Map<String, String> secrets) {
        try {
            Path dir = Files.createDirectories(tmp.resolve("dir-" + System.nanoTime()));
            for (Map.Entry<String, String> e : secrets.entrySet()) {
                Path f = dir.resolve(e.getKey());
                Files.writeString(f, e.getValue());
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
            }
            return new DirectorySecretBroker(dir, clock);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
