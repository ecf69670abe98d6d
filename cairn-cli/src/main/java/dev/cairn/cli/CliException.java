package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.CodedException;
import dev.cairn.json.JsonException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Optional;

/**
 * Root exception of {@code cairn-cli}: a failure with a stable code, a hint and the exit code the
 * command ends with ({@link ExitCodes}).
 */
public class CliException extends CodedException {

    private final int exitCode;
    private final transient JsonNode details;
    private final List<String> lines;

    public CliException(String code, String message, String hint, int exitCode, Throwable cause) {
        this(code, message, hint, exitCode, cause, null, List.of());
    }

    private CliException(
            String code,
            String message,
            String hint,
            int exitCode,
            Throwable cause,
            JsonNode details,
            List<String> lines) {
        super(code, message, false, hint, cause);
        this.exitCode = exitCode;
        this.details = details;
        this.lines = List.copyOf(lines);
    }

    /**
     * The same failure with structured {@code details} (in the {@code --json} error) and {@code
     * lines} printed under the message in the human form (e.g. every error of a spec).
     */
    public CliException withDetails(JsonNode details, List<String> lines) {
        return new CliException(code(), getMessage(), hint(), exitCode, getCause(), details, lines);
    }

    /** Structured details of the failure, if any. */
    public Optional<JsonNode> details() {
        return Optional.ofNullable(details);
    }

    /** Lines printed under the message in the human form. */
    public List<String> lines() {
        return lines;
    }

    /** The command line is wrong. */
    public static CliException usage(String message, String hint) {
        return new CliException("usage", message, hint, ExitCodes.USAGE, null);
    }

    /** Reading {@code source} failed. */
    public static CliException io(String source, IOException e) {
        String reason =
                switch (e) {
                    case NoSuchFileException ignored -> "no such file";
                    case AccessDeniedException ignored -> "permission denied";
                    default -> String.valueOf(e.getMessage());
                };
        return new CliException(
                "io_error",
                "cannot read " + source + ": " + reason,
                "Check the path; use - to read standard input.",
                ExitCodes.IO,
                e);
    }

    /** Reading or writing something other than the command's input failed. */
    public static CliException io(IOException e) {
        return new CliException(
                "io_error",
                "I/O failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                "Check disk space and permissions; rerun with --debug for details.",
                ExitCodes.IO,
                e);
    }

    /** The JSON read from {@code source} was refused; keeps the JSON error's code and hint. */
    public static CliException json(String source, JsonException e) {
        String at = e.path().isEmpty() || e.getMessage().contains(e.path()) ? "" : " at " + e.path();
        return new CliException(e.code(), source + ": " + e.getMessage() + at, e.hint(), ExitCodes.DATA, e);
    }

    /** No schema has this name. */
    public static CliException unknownSchema(String name, List<String> close) {
        String suggestion = close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?";
        return new CliException(
                "unknown_schema",
                "no schema named `" + name + "`" + suggestion,
                "List the schemas with `cairn schema list`.",
                ExitCodes.USAGE,
                null);
    }

    /** A module ships a broken schema index or schema: a packaging bug. */
    public static CliException badSchemaResource(String message) {
        return new CliException(
                "bad_schema_resource",
                message,
                "A module on the class path ships a broken META-INF/cairn/schemas entry; report it.",
                ExitCodes.INTERNAL,
                null);
    }

    /** Anything unexpected. */
    public static CliException internal(Throwable cause) {
        return new CliException(
                "internal",
                cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                "This is a bug in cairn; rerun with --debug and report the stack trace.",
                ExitCodes.INTERNAL,
                cause);
    }

    /** The exit code the command ends with. */
    public int exitCode() {
        return exitCode;
    }
}
