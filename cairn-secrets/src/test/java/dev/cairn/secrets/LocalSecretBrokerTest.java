package dev.cairn.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.RuntimeSecretLeaseRequest;
import dev.cairn.cell.api.SecretBroker;
import dev.cairn.cell.api.SecretView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSecretBrokerTest extends SecretBrokerContract {

    @TempDir
    Path tmp;

    LocalSecretStore store;

    @Override
    protected CellScopedSecretBroker newBroker(TestClock clock, Map<String, String> secrets) {
        store = LocalSecretStore.open(tmp.resolve("store"), clock);
        secrets.forEach((k, v) -> store.set(k, v.getBytes(StandardCharsets.UTF_8)));
        return store.broker();
    }

    private LocalSecretBroker local() {
        return (LocalSecretBroker) broker;
    }

    private static List<RuntimeSecretLeaseRequest> lease(String key, long ttl) {
        return List.of(new RuntimeSecretLeaseRequest(key, ttl));
    }

    @Test
    void aLeaseGivesTheCellACorrelationIdAndFetchesWithinIt() {
        local().prepareRuntimeSecretLease(
                        "cell-1",
                        List.of(
                                new RuntimeSecretLeaseRequest("DEPLOY_TOKEN", 60),
                                new RuntimeSecretLeaseRequest("DB_PASSWORD", 600)));
        String id = local().correlationId("cell-1").orElseThrow();
        assertThat(id).matches("lease-[0-9a-f]{32}");
        local().prepareRuntimeSecretLease("cell-2", lease("DEPLOY_TOKEN", 60));
        assertThat(local().correlationId("cell-2")).isPresent().get().isNotEqualTo(id);
        assertThat(local().correlationId("cell-3")).isEmpty();

        try (SecretView v = local().fetchRuntimeSecret("DEPLOY_TOKEN", "cell-1", 30)) {
            assertThat(v.reveal()).isEqualTo(DEPLOY_TOKEN);
            assertThat(broker.expiresAt("cell-1")).contains(clock.instant().plusSeconds(30));
        }
        // A fetch's TTL never outlives the lease.
        local().fetchRuntimeSecret("DEPLOY_TOKEN", "cell-2", 3600);
        assertThat(broker.expiresAt("cell-2")).contains(clock.instant().plusSeconds(60));
        // A rotated value is fetched afresh.
        store.set("DEPLOY_TOKEN", "dpl_rotated_value_0001".getBytes(StandardCharsets.UTF_8));
        assertThat(local().fetchRuntimeSecret("DEPLOY_TOKEN", "cell-1", 30).reveal())
                .isEqualTo("dpl_rotated_value_0001");
    }

    @Test
    void fetchesOutsideTheLeaseAreRefused() {
        assertThat(Errors.brokerFailure(
                                () -> local().fetchRuntimeSecret("DEPLOY_TOKEN", "cell-1", 30), "runtime_lease_missing")
                        .getMessage())
                .contains("cell-1 holds no runtime lease");
        local().prepareRuntimeSecretLease("cell-1", lease("DEPLOY_TOKEN", 60));
        assertThat(Errors.brokerFailure(
                                () -> local().fetchRuntimeSecret("DB_PASSWORD", "cell-1", 30), "runtime_lease_missing")
                        .getMessage())
                .contains("DB_PASSWORD is not in the runtime lease of cell cell-1");
        clock.advance(Duration.ofSeconds(60));
        Errors.brokerFailure(() -> local().fetchRuntimeSecret("DEPLOY_TOKEN", "cell-1", 30), "secret_expired");
        // the plain resolve path is not the lease's
        assertThat(broker.resolve("DB_PASSWORD", "cell-1", 30).reveal()).isEqualTo(DB_PASSWORD);
    }

    @Test
    void revocationEndsTheLeaseAndWipesWhatWasFetched() {
        local().prepareRuntimeSecretLease("cell-1", lease("DEPLOY_TOKEN", 60));
        SecretView fetched = local().fetchRuntimeSecret("DEPLOY_TOKEN", "cell-1", 30);
        local().revokeForCell("cell-1");
        assertThat(fetched.isDestroyed()).isTrue();
        assertThat(local().correlationId("cell-1")).isEmpty();
        Errors.brokerFailure(() -> local().fetchRuntimeSecret("DEPLOY_TOKEN", "cell-1", 30), "runtime_lease_missing");
        // a new cell with the same id gets a new lease and a new id
        local().prepareRuntimeSecretLease("cell-1", lease("DEPLOY_TOKEN", 60));
        assertThat(local().correlationId("cell-1")).isPresent();
    }

    @Test
    void aLeaseNamesSecretsThatExistAndIsPreparedOncePerCell() {
        SecretsException missing = Errors.brokerFailure(
                () -> local().prepareRuntimeSecretLease(
                                "cell-1",
                                List.of(
                                        new RuntimeSecretLeaseRequest("DEPLOY_TOKEN", 60),
                                        new RuntimeSecretLeaseRequest("NOPE", 60))),
                "secret_not_found");
        assertThat(missing.getMessage()).contains("NOPE");
        assertThat(local().correlationId("cell-1")).isEmpty();
        Errors.brokerFailure(
                () -> local().prepareRuntimeSecretLease("cell-1", lease("DEPLOY_TOKEN", 0)), "invalid_ttl");
        local().prepareRuntimeSecretLease("cell-1", lease("DEPLOY_TOKEN", 60));
        Errors.brokerFailure(
                () -> local().prepareRuntimeSecretLease("cell-1", lease("DB_PASSWORD", 60)), "runtime_lease_exists");
    }

    @Test
    void theBrokerForOneCellCarriesThatCellsCorrelationId() {
        assertThat(broker.brokerCorrelationId()).isEmpty(); // shared by many cells: no single id
        SecretBroker forCell = local().forCell("cell-1");
        assertThat(forCell.brokerCorrelationId()).isEmpty();
        forCell.prepareRuntimeSecretLease("cell-1", lease("DEPLOY_TOKEN", 60));
        assertThat(forCell.brokerCorrelationId())
                .isEqualTo(local().correlationId("cell-1"))
                .isPresent();
        assertThat(forCell.fetchRuntimeSecret("DEPLOY_TOKEN", "cell-1", 10).reveal())
                .isEqualTo(DEPLOY_TOKEN);
        assertThat(forCell.resolve("DB_PASSWORD", "cell-1", 10).reveal()).isEqualTo(DB_PASSWORD);
        assertThat(SecretBrokerContract.catchMessage(() -> forCell.resolve("DB_PASSWORD", "cell-2", 10)))
                .contains("serves cell cell-1, not cell-2");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> forCell.revokeForCell("cell-2"))
                .isInstanceOf(CellException.class);
        forCell.revokeForCell("cell-1");
        assertThat(forCell.brokerCorrelationId()).isEmpty();
        assertThat(forCell.toString()).contains("cell-1").doesNotContain(DEPLOY_TOKEN);
    }
}
