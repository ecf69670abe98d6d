package dev.cairn.sinks.delivery;

import dev.cairn.sinks.SinkException;
import java.util.Objects;
import java.util.Optional;

/**
 * What one delivery pass of a sink did ({@link EventRelay#pump}): how many log events it read, how
 * many it handed to the sink and the sink acknowledged, and the failure if the sink failed.
 *
 * @param read events read from the log after the cursor
 * @param acknowledged events the sink acknowledged (events its type filter skips are not counted)
 * @param failure the sink's failure, if any
 */
public record PassResult(int read, int acknowledged, Optional<SinkException> failure) {

    public PassResult {
        Objects.requireNonNull(failure, "failure");
    }

    static final PassResult IDLE = new PassResult(0, 0, Optional.empty());
}
