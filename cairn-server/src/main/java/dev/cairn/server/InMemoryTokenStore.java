package dev.cairn.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A {@link TokenStore} in memory, for tests and throwaway servers: nothing survives the process. */
public final class InMemoryTokenStore implements TokenStore {

    private final List<TokenRecord> records = new ArrayList<>();

    @Override
    public synchronized void insert(TokenRecord record) {
        Objects.requireNonNull(record, "record");
        for (TokenRecord existing : records) {
            if (existing.active() && existing.name().equals(record.name())) {
                throw ServerException.tokenNameTaken(record.name());
            }
        }
        records.add(record);
    }

    @Override
    public synchronized Optional<TokenRecord> findBySha256(String sha256) {
        return records.stream().filter(r -> r.sha256().equals(sha256)).findFirst();
    }

    @Override
    public synchronized List<TokenRecord> list() {
        return List.copyOf(records);
    }

    @Override
    public synchronized boolean revoke(String nameOrId, Instant at) {
        for (int i = 0; i < records.size(); i++) {
            TokenRecord r = records.get(i);
            if (r.active() && (r.name().equals(nameOrId) || r.id().equals(nameOrId))) {
                records.set(i, r.revoked(at));
                return true;
            }
        }
        return false;
    }
}
