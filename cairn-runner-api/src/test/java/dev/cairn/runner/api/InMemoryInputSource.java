package dev.cairn.runner.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test double: inputs held in a map. Unknown CIDs fail with {@code input_not_found}. */
final class InMemoryInputSource implements InputSource {

    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    InMemoryInputSource put(String cid, byte[] bytes) {
        objects.put(cid, bytes.clone());
        return this;
    }

    @Override
    public byte[] getBytesByCid(String cid) {
        byte[] bytes = objects.get(cid);
        if (bytes == null) {
            throw RunnerException.inputNotFound(cid);
        }
        return bytes.clone();
    }
}
