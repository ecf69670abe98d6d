package dev.cairn.runner.api.lease;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.WireDefault;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Renews {@code lease} and relays what the runner reported since the last heartbeat.
 *
 * @param lease the lease held
 * @param progress the runner's latest progress value ({@code ControlPlane.progress}), if it changed
 * @param logs log lines since the last heartbeat, in order (at most 1,000 per heartbeat)
 */
public record Heartbeat(LeaseRef lease, Optional<JsonNode> progress, @WireDefault List<LogLine> logs) {

    public static final int MAX_LINES = 1000;

    public Heartbeat {
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(progress, "progress");
        logs = logs == null ? List.of() : List.copyOf(logs);
        if (logs.size() > MAX_LINES) {
            throw new IllegalArgumentException("a heartbeat carries at most " + MAX_LINES + " log lines");
        }
    }
}
