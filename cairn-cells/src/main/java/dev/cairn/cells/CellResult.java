package dev.cairn.cells;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The result of running a cell's command.
 *
 * @param cellId the cell
 * @param profile the profile it ran under
 * @param outcome how the command ended
 * @param stdout captured standard output (at most {@link CellLimits#outputBytes()} bytes)
 * @param stderr captured standard error (at most {@link CellLimits#outputBytes()} bytes)
 * @param stdoutTruncated whether stdout was longer than the capture limit
 * @param stderrTruncated whether stderr was longer than the capture limit
 * @param limitsHit the limits the cell was observed to hit
 * @param startedAt when the process was spawned (runtime clock)
 * @param endedAt when the outcome was known (runtime clock)
 * @param elapsed wall time from spawn to outcome (monotonic)
 */
public record CellResult(
        String cellId,
        CellProfile profile,
        CellOutcome outcome,
        byte[] stdout,
        byte[] stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        Set<LimitKind> limitsHit,
        Instant startedAt,
        Instant endedAt,
        Duration elapsed) {

    public CellResult {
        Objects.requireNonNull(cellId, "cell_id");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(outcome, "outcome");
        stdout = Objects.requireNonNull(stdout, "stdout").clone();
        stderr = Objects.requireNonNull(stderr, "stderr").clone();
        limitsHit = limitsHit.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(limitsHit));
        Objects.requireNonNull(startedAt, "started_at");
        Objects.requireNonNull(endedAt, "ended_at");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    @Override
    public byte[] stdout() {
        return stdout.clone();
    }

    @Override
    public byte[] stderr() {
        return stderr.clone();
    }

    /** Standard output decoded as UTF-8 (malformed bytes replaced). */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** Standard error decoded as UTF-8 (malformed bytes replaced). */
    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** Whether the command exited with status 0 within every limit that matters (output truncation aside). */
    public boolean succeeded() {
        return outcome.succeeded() && limitsHit.stream().allMatch(l -> l == LimitKind.OUTPUT);
    }

    /**
     * Returns this result if {@link #succeeded()}, else throws the matching {@link CellsException}: {@code
     * cell_timeout}, {@code cell_cancelled}, {@code cell_spawn_failed}, {@code cell_limit_exceeded} or {@code
     * cell_failed}.
     */
    public CellResult requireSuccess() {
        if (succeeded()) {
            return this;
        }
        switch (outcome) {
            case CellOutcome.TimedOut t -> throw CellsException.timeout(cellId, t.limit());
            case CellOutcome.Cancelled c -> throw CellsException.cancelled(cellId);
            case CellOutcome.SetupFailed f -> throw CellsException.spawnFailed(cellId, f.message(), null);
            case CellOutcome.Exited e -> {}
            case CellOutcome.Signaled s -> {}
        }
        Set<LimitKind> hard = EnumSet.noneOf(LimitKind.class);
        limitsHit.stream().filter(l -> l != LimitKind.OUTPUT).forEach(hard::add);
        if (!hard.isEmpty()) {
            throw CellsException.limitExceeded(cellId, hard);
        }
        throw CellsException.failed(cellId, outcome);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellResult r
                && r.cellId.equals(cellId)
                && r.profile == profile
                && r.outcome.equals(outcome)
                && Arrays.equals(r.stdout, stdout)
                && Arrays.equals(r.stderr, stderr)
                && r.stdoutTruncated == stdoutTruncated
                && r.stderrTruncated == stderrTruncated
                && r.limitsHit.equals(limitsHit)
                && r.startedAt.equals(startedAt)
                && r.endedAt.equals(endedAt)
                && r.elapsed.equals(elapsed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(cellId, outcome, limitsHit, startedAt, endedAt) * 31 + Arrays.hashCode(stdout);
    }

    @Override
    public String toString() {
        return "CellResult[cellId=" + cellId + ", profile=" + profile + ", outcome=" + outcome + ", stdout="
                + stdout.length + " bytes" + (stdoutTruncated ? " (truncated)" : "") + ", stderr=" + stderr.length
                + " bytes" + (stderrTruncated ? " (truncated)" : "") + ", limitsHit=" + limitsHit + ", elapsed="
                + elapsed + "]";
    }
}
