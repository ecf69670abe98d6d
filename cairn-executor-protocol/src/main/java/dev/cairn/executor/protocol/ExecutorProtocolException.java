package dev.cairn.executor.protocol;

import dev.cairn.json.CodedException;
import java.time.Duration;

/**
 * Root exception of the executor protocol: a wire value that breaks the protocol's rules (an
 * empty command, a workdir that escapes the workspace, a zero timeout, an unsupported protocol
 * version, ...). Thrown by the records' constructors, so {@code Wire.read} reports it as a {@code
 * JsonException} with the same code and a pointer to the value.
 *
 * <p>Messages name the offending value, except environment values, which may be secrets.
 */
public class ExecutorProtocolException extends CodedException {

    private static final long serialVersionUID = 1L;

    private ExecutorProtocolException(String code, String message, String hint) {
        super(code, message, false, hint, null);
    }

    /** The command to run is empty or cannot be executed as written. */
    public static ExecutorProtocolException invalidCommand(String problem) {
        return new ExecutorProtocolException(
                "invalid_command",
                "invalid command: " + problem,
                "Give a non-empty argv whose first element names the program, or a non-empty script"
                        + " with an absolute shell path.");
    }

    /** A path that must stay inside the workspace does not. */
    public static ExecutorProtocolException invalidPath(String field, String value, String problem) {
        return new ExecutorProtocolException(
                "invalid_path",
                field + " `" + value + "` " + problem,
                "Use a path relative to the workspace root, without `..` segments (`.` is the root).");
    }

    /** A field of a command task or a secret mount is not valid; the message never holds a secret value. */
    public static ExecutorProtocolException invalidTask(String field, String problem, String hint) {
        return new ExecutorProtocolException("invalid_command_task", field + " " + problem, hint);
    }

    /** A declared output is not a glob the runner can match. */
    public static ExecutorProtocolException invalidGlob(String glob, String problem) {
        return new ExecutorProtocolException(
                "invalid_glob",
                "output glob `" + glob + "` " + problem,
                "Write a relative glob such as `dist/**` or `*.{jar,pom}` (java.nio glob syntax).");
    }

    /** An environment variable cannot be passed to a process; the value is never named. */
    public static ExecutorProtocolException invalidEnv(String name, String problem) {
        return new ExecutorProtocolException(
                "invalid_env",
                "environment variable `" + name + "` " + problem,
                "Names must be non-empty without `=` or NUL; values must not contain NUL.");
    }

    /** A step timeout outside (0, {@link CommandStep#MAX_TIMEOUT}]. */
    public static ExecutorProtocolException invalidTimeout(Duration timeout) {
        return new ExecutorProtocolException(
                "invalid_timeout",
                "timeout " + timeout + " is out of range",
                "Use a positive timeout of at most " + CommandStep.MAX_TIMEOUT.toDays() + " days.");
    }

    /** A resource limit that is not positive. */
    public static ExecutorProtocolException invalidLimit(String field, long value) {
        return new ExecutorProtocolException(
                "invalid_limit",
                "resource limit " + field + " = " + value + " must be positive",
                "Give a positive limit, or leave the field out to get the default.");
    }

    /** A network grant that names no host, or a host that is not {@code host:port}. */
    public static ExecutorProtocolException invalidNetworkGrant(String problem) {
        return new ExecutorProtocolException(
                "invalid_network_grant",
                "invalid network grant: " + problem,
                "Grant `none`, or `{\"allow\": [\"host:port\", ...]}` with at least one host and a port in 1..65535.");
    }

    /** Any other field whose value breaks its documented rule. */
    public static ExecutorProtocolException invalidValue(String field, String problem) {
        return new ExecutorProtocolException(
                "invalid_value",
                field + " " + problem,
                "See the field's rule in the type's JSON Schema (`cairn schema show NAME`).");
    }

    /** The peer speaks a protocol version this side does not. */
    public static ExecutorProtocolException unsupportedProtocolVersion(int version) {
        return new ExecutorProtocolException(
                "unsupported_protocol_version",
                "executor protocol version " + version + " is not supported (this side speaks "
                        + ExecutorProtocol.PROTOCOL_VERSION + ")",
                "Use a plugin built for protocol version " + ExecutorProtocol.PROTOCOL_VERSION + ".");
    }
}
