package dev.cairn.secrets;

import dev.cairn.cell.api.CellException;
import dev.cairn.cell.api.RuntimeSecretLeaseRequest;
import dev.cairn.cell.api.SecretBroker;
import dev.cairn.cell.api.SecretView;
import java.util.List;
import java.util.Optional;

/**
 * A {@link LeasingSecretBroker} bound to one cell: every call must name that cell, and {@link
 * #brokerCorrelationId()} is the cell's lease id. What a per-cell supervisor holds.
 */
final class CellBoundSecretBroker implements SecretBroker {

    private final LeasingSecretBroker broker;
    private final String cellId;

    CellBoundSecretBroker(LeasingSecretBroker broker, String cellId) {
        this.broker = broker;
        this.cellId = cellId;
    }

    private void requireCell(String requested) {
        if (!cellId.equals(requested)) {
            throw CellException.secretBroker(
                    "this broker serves cell " + cellId + ", not " + SecretPolicy.printable(String.valueOf(requested)));
        }
    }

    @Override
    public SecretView resolve(String key, String cell, long ttlSeconds) {
        requireCell(cell);
        return broker.resolve(key, cell, ttlSeconds);
    }

    @Override
    public void revokeForCell(String cell) {
        requireCell(cell);
        broker.revokeForCell(cell);
    }

    @Override
    public void prepareRuntimeSecretLease(String cell, List<RuntimeSecretLeaseRequest> requests) {
        requireCell(cell);
        broker.prepareRuntimeSecretLease(cell, requests);
    }

    @Override
    public SecretView fetchRuntimeSecret(String key, String cell, long ttlSeconds) {
        requireCell(cell);
        return broker.fetchRuntimeSecret(key, cell, ttlSeconds);
    }

    @Override
    public Optional<String> brokerCorrelationId() {
        return broker.correlationId(cellId);
    }

    @Override
    public String toString() {
        return broker + " for cell " + cellId;
    }
}
