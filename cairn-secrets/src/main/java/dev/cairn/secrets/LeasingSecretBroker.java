package dev.cairn.secrets;

import dev.cairn.cell.api.SecretBroker;
import java.util.Optional;

/**
 * A broker that holds a runtime lease per cell ({@link #prepareRuntimeSecretLease}), each with its
 * own correlation id.
 *
 * <p>The port's {@link #brokerCorrelationId()} has no cell argument: in the seed, a supervisor runs
 * one cell and its broker serves that cell. A Cairn broker serves many cells at once, so its ids are
 * per cell: {@link #correlationId(String)}, or {@link #forCell(String)}, a view of the broker bound
 * to one cell whose {@code brokerCorrelationId()} is that cell's.
 */
public interface LeasingSecretBroker extends SecretBroker {

    /** The correlation id of {@code cellId}'s runtime lease; empty when it holds none. */
    Optional<String> correlationId(String cellId);

    /** This broker as seen by one cell: the port, bound to {@code cellId}. */
    default SecretBroker forCell(String cellId) {
        return new CellBoundSecretBroker(this, SecretPolicy.requireCellId(cellId));
    }
}
