package dev.cairn.machine.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoError;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.runtime.io.IoCallContext;
import dev.cairn.machine.runtime.io.IoTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code exec} transport: runs an external program described by an {@link ExecRequest} and
 * answers an {@link ExecResponse} (exit code, bounded stdout and stderr with truncation flags). On
 * timeout or cancellation the program's whole process tree is killed ({@link ProcessRunner}).
 *
 * <p>Register it with {@code IoTransportRegistry.builder().register(ExecTransport.NAMESPACE, new
 * ExecTransport())}. Errors never echo the request's environment or stdin (they may hold secrets);
 * they name the program and the failing field.
 */
public final class ExecTransport implements IoTransport {

    /** The namespace group of this transport. */
    public static final String NAMESPACE = "exec";

    @Override
    public JsonNode call(IoCall call, IoCallContext context) {
        ExecRequest request = parse(call.request());
        ExecResponse response = run(request, request.argv());
        return Wire.toTree(response);
    }

    /** Reads an {@link ExecRequest}; {@code exec_request_invalid} naming the field otherwise. */
    static ExecRequest parse(JsonNode request) {
        try {
            return Wire.fromTree(request, ExecRequest.class);
        } catch (JsonException e) {
            throw invalid(invalidMessage("exec", e), e.path(), e);
        } catch (IllegalArgumentException e) {
            throw invalid("the exec request is invalid: " + e.getMessage(), "", e);
        }
    }

    /**
     * The message of a request that does not read: the field's pointer and the codec's code; the
     * codec's own words only for whole-request failures (they come from our constructors), since a
     * field's message may quote its value, which may be a secret.
     */
    static String invalidMessage(String namespace, JsonException e) {
        String message = "the " + namespace + " request is invalid at `" + e.path() + "` (" + e.code() + ")";
        return e.path().isEmpty() ? message + ": " + e.getMessage() : message;
    }

    /** Runs {@code command} (resolved from {@code argv}) with the rest of {@code request}. */
    static ExecResponse run(ExecRequest request, List<String> argv) {
        Optional<Path> cwd = request.cwd().map(Path::of);
        if (cwd.isPresent() && !Files.isDirectory(cwd.get())) {
            throw failure(
                    ExecCodes.EXEC_CWD_INVALID,
                    "cwd `" + cwd.get() + "` is not a directory",
                    "Give an existing directory as cwd.",
                    null);
        }
        String program = resolve(argv.getFirst(), request, cwd);
        List<String> command = new java.util.ArrayList<>(argv);
        command.set(0, program);
        ProcessRunner.Spec spec = new ProcessRunner.Spec(
                command,
                request.env(),
                request.inheritEnv().orElse(false),
                cwd,
                request.stdin().map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Duration.ofMillis(request.timeoutMs().orElse(ExecRequest.DEFAULT_TIMEOUT_MS)),
                request.maxOutputBytes().orElse(ExecRequest.DEFAULT_MAX_OUTPUT_BYTES));
        ProcessRunner.Result result;
        try {
            result = ProcessRunner.run(spec);
        } catch (IOException e) {
            throw failure(
                    ExecCodes.EXEC_SPAWN_FAILED,
                    "could not start `" + program + "`: " + e.getClass().getSimpleName(),
                    "Check that the program is executable and its interpreter exists.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IoException.interrupted();
        }
        if (result.timedOut()) {
            ObjectNode details = JsonNodeFactory.instance.objectNode();
            details.put("program", program);
            details.put("timeout_ms", spec.timeout().toMillis());
            details.put("process_groups", ProcessRunner.usesProcessGroups());
            throw new IoException(
                    new IoError.Transport(ErrorInfo.of(
                                    ExecCodes.EXEC_TIMEOUT,
                                    ErrorCategory.UNKNOWN,
                                    false,
                                    "`" + program + "` ran longer than "
                                            + spec.timeout().toMillis() + " ms; its process tree was killed")
                            .withDetails(details)),
                    "Raise timeout_ms, or make the program faster.",
                    null);
        }
        return new ExecResponse(
                result.exitCode(),
                new String(result.stdout().kept(), StandardCharsets.UTF_8),
                new String(result.stderr().kept(), StandardCharsets.UTF_8),
                result.stdout().truncated(),
                result.stderr().truncated(),
                result.stdout().total(),
                result.stderr().total());
    }

    private static String resolve(String program, ExecRequest request, Optional<Path> cwd) {
        if (program.contains("/")) {
            Path path = Path.of(program);
            Path resolved =
                    path.isAbsolute() || cwd.isEmpty() ? path : cwd.get().resolve(path);
            if (Files.isRegularFile(resolved) && Files.isExecutable(resolved)) {
                return program;
            }
            throw notFound(program, "it is not an executable file");
        }
        String path = request.env().containsKey("PATH") ? request.env().get("PATH") : System.getenv("PATH");
        return ProcessRunner.which(program, path)
                .map(Path::toString)
                .orElseThrow(() -> notFound(program, "it is not on PATH (" + path + ")"));
    }

    private static IoException notFound(String program, String why) {
        return failure(
                ExecCodes.EXEC_PROGRAM_NOT_FOUND,
                "cannot run `" + program + "`: " + why,
                "Install the program or give its absolute path in argv[0].",
                null);
    }

    private static IoException invalid(String message, String pointer, Throwable cause) {
        ErrorInfo info = ErrorInfo.of(ExecCodes.EXEC_REQUEST_INVALID, ErrorCategory.PARSING_INPUT, false, message)
                .withDetails(JsonNodeFactory.instance.objectNode().put("pointer", pointer));
        return new IoException(
                new IoError.Other(info),
                "An exec request is {\"argv\":[…], \"env\":{…}, \"cwd\":…, \"stdin\":…, \"timeout_ms\":…,"
                        + " \"max_output_bytes\":…}; only argv is required.",
                cause);
    }

    static IoException failure(String code, String message, String hint, Throwable cause) {
        return new IoException(
                new IoError.Transport(ErrorInfo.of(code, ErrorCategory.UNKNOWN, false, message)), hint, cause);
    }
}
