package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.CodedError;
import dev.cairn.json.wire.Wire;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a command answers: results on stdout, errors on stderr, in human form or, with
 * {@code --json}, as one JSON object per line (wire form: snake_case fields). Commands describe a
 * result once, as a record, and say how a human reads it; this class picks the form.
 *
 * <p>Errors are {@code error[<code>]: <message>} and {@code hint: <what to do>} lines, or with
 * {@code --json} the line {@code {"error":{"code","message","hint","retryable"}}} on stderr.
 */
public final class Output {

    /** The JSON form of an error. */
    record ErrorBody(String code, String message, String hint, boolean retryable) {}

    record ErrorEnvelope(ErrorBody error) {}

    /** The JSON form of an error that has structured details. */
    record DetailedErrorBody(String code, String message, String hint, boolean retryable, JsonNode details) {}

    record DetailedErrorEnvelope(DetailedErrorBody error) {}

    private final Terminal terminal;
    private final boolean json;

    Output(Terminal terminal, boolean json) {
        this.terminal = terminal;
        this.json = json;
    }

    /** Whether {@code --json} was given. */
    public boolean json() {
        return json;
    }

    /** A structured result: its wire JSON on one line, or {@code human}'s text. */
    public <T> void result(T value, Function<? super T, String> human) {
        if (json) {
            terminal.out().print(Wire.write(value));
            terminal.out().print('\n');
        } else {
            String text = human.apply(value);
            terminal.out().print(text);
            if (!text.isEmpty() && !text.endsWith("\n")) {
                terminal.out().print('\n');
            }
        }
    }

    /** Bytes that are the result as they are, in both forms (e.g. canonical JSON). */
    public void bytes(byte[] bytes) {
        terminal.out().write(bytes, 0, bytes.length);
    }

    /** A remark for a human on stderr (progress, notes); nothing with {@code --json}. */
    public void note(String text) {
        if (!json) {
            terminal.err().println(text);
        }
    }

    /** An error on stderr; the stack trace too when {@code debug}. */
    void error(CodedError error, Throwable cause, boolean debug) {
        Optional<JsonNode> details = error instanceof CliException cli ? cli.details() : Optional.empty();
        if (json && details.isPresent()) {
            terminal.err()
                    .println(Wire.write(new DetailedErrorEnvelope(new DetailedErrorBody(
                            error.code(), error.getMessage(), error.hint(), error.retryable(), details.get()))));
        } else if (json) {
            terminal.err()
                    .println(Wire.write(new ErrorEnvelope(
                            new ErrorBody(error.code(), error.getMessage(), error.hint(), error.retryable()))));
        } else {
            terminal.err().println("error[" + error.code() + "]: " + error.getMessage());
            if (error instanceof CliException cli) {
                cli.lines().forEach(line -> terminal.err().println("  " + line));
            }
            if (!error.hint().isEmpty()) {
                terminal.err().println("hint: " + error.hint());
            }
        }
        if (debug && cause != null) {
            cause.printStackTrace(terminal.err());
        }
    }
}
