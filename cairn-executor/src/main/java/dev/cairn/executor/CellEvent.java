package dev.cairn.executor;

import dev.cairn.cells.CellLifecycleRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A cell's lifecycle transition with the fields of its {@code CellHandle}, in a form that can be
 * written as JSON (snake_case) into a task's log and turned into a lifecycle event by the host.
 *
 * @param cellId the cell
 * @param key host-unique key of the cell instance
 * @param from previous state ({@code created}, {@code started}, {@code exited}, {@code failed}), empty first
 * @param state the new state, lowercase
 * @param at when (the cell runtime's clock)
 * @param profile {@code sandbox} or {@code process}
 * @param fallbackReason why a sandbox step runs as a host process, when it does
 * @param hostUid the per-cell host uid, when Cairn runs as root
 * @param pid the spawned process, once started
 * @param cgroups the cell's cgroup directories
 * @param network the network policy, described
 * @param detail a plain detail (the outcome, the teardown's verification)
 * @param correlationId the secret broker's correlation id for the cell, when it has one
 */
public record CellEvent(
        String cellId,
        String key,
        Optional<String> from,
        String state,
        Instant at,
        String profile,
        Optional<String> fallbackReason,
        Optional<Integer> hostUid,
        Optional<Long> pid,
        List<String> cgroups,
        String network,
        String detail,
        Optional<String> correlationId) {

    public CellEvent {
        Objects.requireNonNull(cellId, "cell_id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(fallbackReason, "fallback_reason");
        Objects.requireNonNull(hostUid, "host_uid");
        Objects.requireNonNull(pid, "pid");
        cgroups = List.copyOf(cgroups);
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(correlationId, "correlation_id");
    }

    /** The event of a cells-runtime lifecycle record. */
    public static CellEvent of(CellLifecycleRecord record, Optional<String> correlationId) {
        var h = record.handle();
        return new CellEvent(
                record.cellId(),
                h.key(),
                record.from().map(s -> s.name().toLowerCase(java.util.Locale.ROOT)),
                record.state().name().toLowerCase(java.util.Locale.ROOT),
                record.at(),
                h.profile().name().toLowerCase(java.util.Locale.ROOT),
                h.fallbackReason(),
                h.hostUid().isPresent() ? Optional.of(h.hostUid().getAsInt()) : Optional.empty(),
                h.pid().isPresent() ? Optional.of(h.pid().getAsLong()) : Optional.empty(),
                h.cgroups().stream().map(Object::toString).toList(),
                h.network().describe(),
                record.detail(),
                correlationId);
    }
}
