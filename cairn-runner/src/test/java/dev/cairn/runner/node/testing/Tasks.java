package dev.cairn.runner.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.executor.protocol.CommandStep;
import dev.cairn.executor.protocol.CommandTask;
import dev.cairn.executor.protocol.InputFile;
import dev.cairn.json.wire.Wire;
import dev.cairn.runner.api.TaskSpec;
import dev.cairn.runner.api.lease.Heartbeat;
import dev.cairn.runner.api.lease.LogLine;
import java.util.List;
import java.util.UUID;

/** Builders of test tasks. */
public final class Tasks {

    private Tasks() {}

    /** A {@code command} task running {@code step} with {@code inputs}. */
    public static TaskSpec command(CommandStep step, InputFile... inputs) {
        CommandTask task = new CommandTask(UUID.randomUUID().toString(), "build", step, List.of(inputs));
        return TaskSpec.builder(UUID.randomUUID(), "command")
                .meta(Wire.toTree(task))
                .build();
    }

    /** A task of {@code capability} with {@code meta}. */
    public static TaskSpec of(String capability, JsonNode meta, String... inputs) {
        return TaskSpec.builder(UUID.randomUUID(), capability)
                .meta(meta)
                .inputsCids(List.of(inputs))
                .build();
    }

    /** The messages of every log line of {@code heartbeats}, in order. */
    public static List<String> messages(List<Heartbeat> heartbeats) {
        return heartbeats.stream()
                .flatMap(h -> h.logs().stream())
                .map(LogLine::message)
                .toList();
    }

    /** The log lines of {@code heartbeats} of {@code stream}, in order. */
    public static List<String> lines(List<Heartbeat> heartbeats, String stream) {
        return heartbeats.stream()
                .flatMap(h -> h.logs().stream())
                .filter(l -> l.stream().equals(stream))
                .map(LogLine::message)
                .toList();
    }
}
