package dev.cairn.runner.api.lease;

import dev.cairn.json.wire.WireDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A node asks for up to {@code max} leases on tasks whose capability is one of {@code
 * capabilities} and whose required labels its {@code labels} satisfy (a task requiring {@code
 * region=eu} goes only to a node labelled {@code region=eu}), waiting up to {@code max_wait} when there
 * is none (long poll).
 *
 * @param workerId a stable name of the node, for observability and lease ownership
 * @param capabilities what the node runs, e.g. {@code command}, {@code /examples/hello/v1}
 * @param labels the node's labels
 * @param max how many leases at most, 1..256
 * @param maxWait how long to wait for work when there is none, at most 60 s
 */
public record AcquireRequest(
        String workerId,
        List<String> capabilities,
        @WireDefault SortedMap<String, String> labels,
        int max,
        Duration maxWait) {

    public static final int MAX_LEASES = 256;
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);

    public AcquireRequest {
        Objects.requireNonNull(workerId, "worker_id");
        if (workerId.isBlank() || workerId.length() > 128) {
            throw new IllegalArgumentException("worker_id must be 1..128 characters");
        }
        capabilities = List.copyOf(Objects.requireNonNull(capabilities, "capabilities"));
        if (capabilities.isEmpty()) {
            throw new IllegalArgumentException("capabilities must name at least one capability");
        }
        labels = labels == null ? new TreeMap<>() : new TreeMap<>(labels);
        if (max < 1 || max > MAX_LEASES) {
            throw new IllegalArgumentException("max must be 1.." + MAX_LEASES + ", got " + max);
        }
        Objects.requireNonNull(maxWait, "max_wait");
        if (maxWait.isNegative() || maxWait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("max_wait must be 0.." + MAX_WAIT + ", got " + maxWait);
        }
    }

    public static AcquireRequest of(String workerId, List<String> capabilities, Map<String, String> labels) {
        return new AcquireRequest(workerId, capabilities, new TreeMap<>(labels), 1, Duration.ofSeconds(20));
    }
}
