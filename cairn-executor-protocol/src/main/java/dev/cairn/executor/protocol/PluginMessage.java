package dev.cairn.executor.protocol;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.json.wire.WireRange;
import java.util.Objects;

/**
 * A line an executor program writes to its stdout. See {@link ExecutorProtocol} for the
 * conversation; internally tagged by {@code type}, snake_case:
 *
 * <pre>{@code
 * {"type":"archive_read","request_id":7,"request":{"archive_id":"...","offset":0,"max":65536}}
 * {"type":"result","result":{"exit_code":0,"committed_snapshot":null,"artifacts":[]}}
 * {"type":"failed","code":"cancelled","message":"...","retryable":false}
 * }</pre>
 */
@WireEnum(tag = "type", variants = VariantCase.SNAKE_CASE)
public sealed interface PluginMessage {

    /**
     * Ask for archive bytes. {@code request_id} is chosen by the program and unique within the
     * conversation; several reads may be outstanding, and answers may come in any order.
     */
    record ArchiveRead(@WireRange(min = 0) long requestId, ArchiveReadRequest request) implements PluginMessage {
        public ArchiveRead {
            Checks.nonNegative("request_id", requestId);
            Objects.requireNonNull(request, "request");
        }
    }

    /** The last line on success: the command ran (whatever its exit status) or the cache hit was restored. */
    record Result(StepResult result) implements PluginMessage {
        public Result {
            Objects.requireNonNull(result, "result");
        }
    }

    /**
     * The last line on failure of the executor itself (not of the command): the workspace could
     * not be restored, the sandbox could not start, the step was cancelled ({@code cancelled}),
     * the protocol version is not spoken ({@code unsupported_protocol_version}), ...
     */
    record Failed(@WirePattern(Checks.CODE) String code, String message, boolean retryable) implements PluginMessage {
        public Failed {
            Checks.code("code", code);
            Objects.requireNonNull(message, "message");
        }
    }
}
