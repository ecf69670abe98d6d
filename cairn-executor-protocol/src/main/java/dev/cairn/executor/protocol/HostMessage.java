package dev.cairn.executor.protocol;

import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;
import dev.cairn.json.wire.WirePattern;
import dev.cairn.json.wire.WireRange;
import java.util.Objects;

/**
 * A line the host writes to an executor program's stdin. See {@link ExecutorProtocol} for the
 * conversation; internally tagged by {@code type}, snake_case:
 *
 * <pre>{@code
 * {"type":"execute","protocol_version":1,"input":{...}}
 * {"type":"archive_data","request_id":7,"response":{"bytes":"...","eof":false}}
 * {"type":"archive_error","request_id":7,"code":"unknown_archive","message":"..."}
 * {"type":"cancel"}
 * }</pre>
 */
@WireEnum(tag = "type", variants = VariantCase.SNAKE_CASE)
public sealed interface HostMessage {

    /** The first line: run this step. The program refuses a version it does not speak. */
    record Execute(@WireRange(min = 1) int protocolVersion, ExecutorInput input) implements HostMessage {
        public Execute {
            if (protocolVersion < 1) {
                throw ExecutorProtocolException.invalidValue(
                        "protocol_version", "must be at least 1, got " + protocolVersion);
            }
            Objects.requireNonNull(input, "input");
        }

        /** Execute {@code input} with this side's {@link ExecutorProtocol#PROTOCOL_VERSION}. */
        public Execute(ExecutorInput input) {
            this(ExecutorProtocol.PROTOCOL_VERSION, input);
        }
    }

    /** The answer to the program's {@link PluginMessage.ArchiveRead} of the same {@code request_id}. */
    record ArchiveData(@WireRange(min = 0) long requestId, ArchiveReadResponse response) implements HostMessage {
        public ArchiveData {
            Checks.nonNegative("request_id", requestId);
            Objects.requireNonNull(response, "response");
        }
    }

    /** The read of the same {@code request_id} failed (e.g. {@code unknown_archive}); the program fails the step. */
    record ArchiveError(@WireRange(min = 0) long requestId, @WirePattern(Checks.CODE) String code, String message)
            implements HostMessage {
        public ArchiveError {
            Checks.nonNegative("request_id", requestId);
            Checks.code("code", code);
            Objects.requireNonNull(message, "message");
        }
    }

    /** Stop the step as soon as possible and answer with {@link PluginMessage.Failed} ({@code cancelled}). */
    record Cancel() implements HostMessage {}
}
