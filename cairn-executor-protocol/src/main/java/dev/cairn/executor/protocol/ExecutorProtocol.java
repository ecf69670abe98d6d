package dev.cairn.executor.protocol;

import java.util.List;

/**
 * Seed 002, the step-executor protocol: the wire types a host and a step executor exchange, and the
 * conversation an executor that runs as a separate program holds with the host.
 *
 * <h2>Types</h2>
 *
 * The host sends an {@link ExecutorInput} (a {@link CommandStep}, the workspace {@link ArchiveId},
 * the effective environment and workdir, the {@link CacheDecision} and perhaps a parent {@link
 * SnapshotRef}); the executor answers with a {@link StepResult} (exit status, committed snapshot,
 * {@link ArtifactRef}s). Their JSON is serde's; each has a JSON Schema under {@code
 * META-INF/cairn/schemas/} on the classpath ({@link #SCHEMAS}).
 *
 * <h2>Executor programs</h2>
 *
 * An executor may be a separate program. It then speaks protocol version {@value
 * #PROTOCOL_VERSION} over its standard streams:
 *
 * <ul>
 *   <li><b>Framing.</b> stdin and stdout carry one JSON document per line (UTF-8, {@code \n}
 *       after each; JSON escapes keep documents on one line). The host writes {@link HostMessage}s,
 *       the program writes {@link PluginMessage}s. Lines are at most {@value #MAX_LINE_BYTES}
 *       bytes. stderr is free text: the step's log, captured by the host.
 *   <li><b>Start.</b> The host's first line is {@link HostMessage.Execute} with its protocol
 *       version and the input. A program that does not speak that version answers {@link
 *       PluginMessage.Failed} with code {@code unsupported_protocol_version}.
 *   <li><b>Archive reads.</b> The program asks for workspace bytes with {@link
 *       PluginMessage.ArchiveRead} (the seed's host call {@code hm_archive_read(id, offset,
 *       max)}); the host answers each with {@link HostMessage.ArchiveData} or {@link
 *       HostMessage.ArchiveError} carrying the same {@code request_id}. Reads may be pipelined.
 *   <li><b>Cancellation.</b> The host may write {@link HostMessage.Cancel} at any time; the program
 *       stops the command and answers {@link PluginMessage.Failed} with code {@code cancelled}.
 *       A program that has not answered within the host's grace period is killed.
 *   <li><b>End.</b> The program's last line is exactly one {@link PluginMessage.Result} or {@link
 *       PluginMessage.Failed}; then it exits with status 0. The host then closes stdin. Exiting
 *       without that line, a line that is not a valid message, or an unknown {@code type} is a
 *       protocol violation: the host fails the step and kills the program.
 * </ul>
 */
public final class ExecutorProtocol {

    /** Stable name of this module, used by the smoke test that every module is compiled and linked. */
    public static final String MODULE_NAME = "cairn-executor-protocol";

    /** The version of the executor-program conversation this module describes. */
    public static final int PROTOCOL_VERSION = 1;

    /** Longest line either side writes: room for a full {@link ArchiveReadRequest#MAX_READ_BYTES} read in base64. */
    public static final int MAX_LINE_BYTES = 2 * 1024 * 1024;

    /** Names of the JSON Schemas this module ships under {@code META-INF/cairn/schemas/}. */
    public static final List<String> SCHEMAS = List.of(
            "ArchiveId",
            "ArchiveReadRequest",
            "ArchiveReadResponse",
            "ArtifactRef",
            "CacheDecision",
            "CommandStep",
            "ExecutorInput",
            "HostMessage",
            "PluginMessage",
            "SnapshotRef",
            "StepResult");

    private ExecutorProtocol() {}
}
