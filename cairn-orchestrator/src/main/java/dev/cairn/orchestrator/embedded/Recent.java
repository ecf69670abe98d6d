package dev.cairn.orchestrator.embedded;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@code capacity} values put, by key, the least recently used first out. Thread-safe
 * (each call holds the instance's lock). For caches whose misses only cost work: the planner's
 * parsed specs and plans, the manifests the orchestrator accepted lately.
 */
final class Recent<K, V> {
    private final Map<K, V> map;

    Recent(int capacity) {
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The value put under {@code key}, or null; a hit makes it the most recently used. */
    synchronized V get(K key) {
        return map.get(key);
    }

    synchronized void put(K key, V value) {
        map.put(key, value);
    }
}
