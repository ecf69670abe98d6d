package dev.cairn.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.SecretView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every Cairn broker does, run against each of them with real sources (environment map,
 * directory, encrypted store): resolve per cell with a TTL, revoke at teardown, wipe on expiry,
 * refuse with typed errors that never show a value.
 */
abstract class SecretBrokerContract {

    static final String DEPLOY_TOKEN = "dpl_9f8e7d6c5b4a3f2e1d0c";
    static final String DB_PASSWORD = "correct horse battery staple";

    protected TestClock clock;
    protected CellScopedSecretBroker broker;

    /** A broker of the kind under test holding exactly {@code secrets}. */
    protected abstract CellScopedSecretBroker newBroker(TestClock clock, Map<String, String> secrets) throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        clock = new TestClock();
        broker = newBroker(clock, Map.of("DEPLOY_TOKEN", DEPLOY_TOKEN, "DB_PASSWORD", DB_PASSWORD));
    }

    @Test
    void resolvesAValueForOneCellAndTracksIt() {
        try (SecretView view = broker.resolve("DEPLOY_TOKEN", "cell-1", 60)) {
            assertThat(view.key()).isEqualTo("DEPLOY_TOKEN");
            assertThat(view.reveal()).isEqualTo(DEPLOY_TOKEN);
            assertThat(broker.heldBy("cell-1")).containsExactly("DEPLOY_TOKEN");
            assertThat(broker.heldBy("cell-2")).isEmpty();
            assertThat(broker.cells()).containsExactly("cell-1");
            assertThat(broker.expiresAt("cell-1")).contains(clock.instant().plusSeconds(60));
        }
    }

    @Test
    void revocationWipesEverythingTheCellWasGivenAndOnlyThat() {
        SecretView a = broker.resolve("DEPLOY_TOKEN", "cell-1", 60);
        SecretView b = broker.resolve("DB_PASSWORD", "cell-1", 60);
        SecretView other = broker.resolve("DEPLOY_TOKEN", "cell-2", 60);
        broker.revokeForCell("cell-1");
        assertThat(a.isDestroyed()).isTrue();
        assertThat(b.isDestroyed()).isTrue();
        assertThatThrownBy(a::reveal).isInstanceOf(CellException.class);
        assertThat(broker.heldBy("cell-1")).isEmpty();
        assertThat(other.reveal()).isEqualTo(DEPLOY_TOKEN);
        assertThat(broker.cells()).containsExactly("cell-2");
        broker.revokeForCell("cell-1"); // idempotent
        broker.revokeForCell("never-seen");
        // The id may serve a new cell afterwards.
        assertThat(broker.resolve("DB_PASSWORD", "cell-1", 60).reveal()).isEqualTo(DB_PASSWORD);
    }

    @Test
    void expiredValuesAreWipedAtTheNextCallOrSweep() {
        SecretView shortLived = broker.resolve("DEPLOY_TOKEN", "cell-1", 30);
        SecretView longLived = broker.resolve("DB_PASSWORD", "cell-1", 300);
        clock.advance(Duration.ofSeconds(29));
        assertThat(broker.sweepExpired()).isZero();
        assertThat(shortLived.isDestroyed()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(broker.sweepExpired()).isEqualTo(1);
        assertThat(shortLived.isDestroyed()).isTrue();
        assertThat(longLived.reveal()).isEqualTo(DB_PASSWORD);
        assertThat(broker.heldBy("cell-1")).containsExactly("DB_PASSWORD");
        clock.advance(Duration.ofSeconds(300));
        broker.resolve("DEPLOY_TOKEN", "cell-2", 10); // any call sweeps
        assertThat(longLived.isDestroyed()).isTrue();
        assertThat(broker.heldBy("cell-1")).isEmpty();
    }

    @Test
    void aMissingSecretIsNamedAndNothingIsHeld() {
        SecretsException cause = Errors.brokerFailure(() -> broker.resolve("NOPE", "cell-1", 60), "secret_not_found");
        assertThat(cause.getMessage()).contains("NOPE");
        assertThat(broker.heldBy("cell-1")).isEmpty();
    }

    @Test
    void badNamesTtlsAndCellIdsAreRefused() {
        Errors.brokerFailure(() -> broker.resolve("not-a-name", "cell-1", 60), "invalid_secret_name");
        Errors.brokerFailure(() -> broker.resolve("9LIVES", "cell-1", 60), "invalid_secret_name");
        Errors.brokerFailure(() -> broker.resolve("DEPLOY_TOKEN", "cell-1", 0), "invalid_ttl");
        Errors.brokerFailure(
                () -> broker.resolve("DEPLOY_TOKEN", "cell-1", SecretPolicy.MAX_TTL_SECONDS + 1), "invalid_ttl");
        Errors.brokerFailure(() -> broker.resolve("DEPLOY_TOKEN", " ", 60), "invalid_cell_id");
        Errors.brokerFailure(() -> broker.resolve("DEPLOY_TOKEN", "a\nb", 60), "invalid_cell_id");
        Errors.brokerFailure(() -> broker.revokeForCell(""), "invalid_cell_id");
    }

    @Test
    void nothingTheBrokerPrintsShowsAValue() {
        SecretView view = broker.resolve("DEPLOY_TOKEN", "cell-1", 60);
        List<String> printed = new ArrayList<>();
        printed.add(broker.toString());
        printed.add(view.toString());
        printed.add(String.valueOf(broker.heldBy("cell-1")));
        printed.add(catchMessage(() -> broker.resolve("MISSING", "cell-1", 60)));
        assertThat(printed)
                .allSatisfy(p -> assertThat(p).doesNotContain(DEPLOY_TOKEN).doesNotContain("9f8e7d6c"));
    }

    @Test
    void manyCellsResolveAndRevokeConcurrently() throws Exception {
        List<SecretView> views = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SecretView>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String cell = "cell-" + i;
                String name = i % 2 == 0 ? "DEPLOY_TOKEN" : "DB_PASSWORD";
                futures.add(pool.submit(() -> broker.resolve(name, cell, 60)));
            }
            for (Future<SecretView> f : futures) {
                views.add(f.get());
            }
            assertThat(broker.cells()).hasSize(64);
            List<Future<?>> revocations = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String cell = "cell-" + i;
                revocations.add(pool.submit(() -> broker.revokeForCell(cell)));
            }
            for (Future<?> f : revocations) {
                f.get();
            }
        }
        assertThat(views).allSatisfy(v -> assertThat(v.isDestroyed()).isTrue());
        assertThat(broker.cells()).isEmpty();
    }

    static String catchMessage(Runnable r) {
        try {
            r.run();
            return "";
        } catch (RuntimeException e) {
            return e.getMessage() + " "
                    + (e.getCause() == null ? "" : e.getCause().getMessage());
        }
    }
}
