package dev.cairn.cell.api;

/**
 * A secret a cell will fetch at run time, declared up front so that a broker can hold an upstream
 * lease or token for it for the cell's lifetime ({@link
 * SecretBroker#prepareRuntimeSecretLease(String, java.util.List)}).
 */
public record RuntimeSecretLeaseRequest(String key, long ttlSeconds) {

    public RuntimeSecretLeaseRequest {
        Checks.nonBlank(key, "key");
        Checks.unsigned(ttlSeconds, "ttl_seconds");
    }
}
