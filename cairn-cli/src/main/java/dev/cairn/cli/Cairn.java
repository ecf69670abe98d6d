package dev.cairn.cli;

import dev.cairn.bench.BenchException;
import dev.cairn.client.CairnClientException;
import dev.cairn.json.CodedError;
import dev.cairn.json.JsonException;
import dev.cairn.orchestrator.spec.SpecException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code cairn} command: run pipelines ({@code run}, {@code submit}), serve and work ({@code
 * server}, {@code worker}), watch and control runs ({@code status}, {@code runs}, {@code logs},
 * {@code cancel}, {@code resume}, {@code replay}), fetch artifacts, manage tokens, and the tools
 * {@code json}, {@code schema}, {@code bench}. Every command is documented in {@code docs/cli.md}.
 *
 * <p>Global options, accepted before or after a subcommand: {@code --json} (results and errors
 * as JSON lines) and {@code --debug} (stack traces of errors). Exit codes: {@link ExitCodes}.
 */
@Command(
        name = "cairn",
        mixinStandardHelpOptions = true,
        versionProvider = CairnVersion.class,
        description = "Durable, content-addressed task execution.",
        subcommands = {
            RunCommand.class,
            ServerCommand.class,
            WorkerCommand.class,
            SubmitCommand.class,
            StatusCommand.class,
            RunsCommand.class,
            LogsCommand.class,
            ControlCommands.Cancel.class,
            ControlCommands.Resume.class,
            ControlCommands.Replay.class,
            ArtifactsCommand.class,
            TokenCommand.class,
            JsonCommand.class,
            SchemaCommand.class,
            BenchCommand.class,
            CacheCommand.class,
            SecretsCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 ok, 1 the run failed (or a replay diverged), 2 usage, 65 bad input,",
            "69 server unreachable or home in use, 70 internal error, 74 I/O error."
        })
public final class Cairn implements Callable<Integer> {

    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description = "Print results, and errors on stderr, as one JSON object per line.")
    boolean json;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print the stack trace of errors.")
    boolean debug;

    @Spec
    CommandSpec spec;

    private final Terminal terminal;

    Cairn(Terminal terminal) {
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        int exit = run(Terminal.system(), args);
        System.exit(exit);
    }

    /** Runs {@code cairn args} on {@code terminal}; returns the exit code. */
    public static int run(Terminal terminal, String... args) {
        Cairn root = new Cairn(terminal);
        CommandLine line = new CommandLine(root);
        line.setOut(new PrintWriter(terminal.out(), true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(terminal.err(), true, StandardCharsets.UTF_8));
        line.setParameterExceptionHandler((e, arguments) -> {
            boolean json = root.json || Arrays.asList(arguments).contains("--json");
            String command = e.getCommandLine().getCommandSpec().qualifiedName();
            CliException usage = CliException.usage(e.getMessage(), "Run `" + command + " --help` for usage.");
            new Output(terminal, json).error(usage, e, root.debug);
            return ExitCodes.USAGE;
        });
        line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            CliException failure = failure(e);
            new Output(terminal, root.json).error(failure, e, root.debug);
            return failure.exitCode();
        });
        try {
            return line.execute(args);
        } finally {
            terminal.flush();
        }
    }

    /** The output of the current invocation, honouring {@code --json}. */
    Output output() {
        return new Output(terminal, json);
    }

    Terminal terminal() {
        return terminal;
    }

    /** The root command of any command in the tree. */
    static Cairn of(CommandSpec spec) {
        return (Cairn) spec.root().userObject();
    }

    /** Maps any failure to the code, message, hint and exit code the user sees. */
    static CliException failure(Throwable e) {
        return switch (e) {
            case CliException cli -> cli;
            case JsonException json -> CliException.json("document", json);
            case BenchException bench ->
                new CliException(
                        bench.code(),
                        bench.getMessage(),
                        bench.hint(),
                        switch (bench.code()) {
                            case "unknown_workload", "invalid_settings" -> ExitCodes.USAGE;
                            default -> ExitCodes.INTERNAL;
                        },
                        bench);
            case SpecException spec -> Failures.spec(spec);
            case CairnClientException client -> Failures.client(client);
            case CodedError coded ->
                new CliException(coded.code(), coded.getMessage(), coded.hint(), Failures.exitCode(coded), e);
            case UncheckedIOException io -> CliException.io(io.getCause());
            case IOException io -> CliException.io(io);
            default -> CliException.internal(e);
        };
    }

    /** A parent command run without a subcommand. */
    static ParameterException missingSubcommand(CommandSpec spec) {
        return new ParameterException(
                spec.commandLine(),
                "missing command: choose one of "
                        + String.join(", ", spec.subcommands().keySet()));
    }

    @Override
    public Integer call() {
        throw missingSubcommand(spec);
    }
}
