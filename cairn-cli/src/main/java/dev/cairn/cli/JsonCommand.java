package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.Canonical;
import dev.cairn.json.JsonException;
import dev.cairn.json.StrictJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn json}: canonical JSON (RFC 8785) and content addresses. */
@Command(
        name = "json",
        mixinStandardHelpOptions = true,
        description = "Canonical JSON (RFC 8785) and content addresses.",
        subcommands = {JsonCommand.Canonicalize.class, JsonCommand.Hash.class})
final class JsonCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Cairn.missingSubcommand(spec);
    }

    /** Reads and strictly parses the input, naming it in errors. */
    static JsonNode parse(String file, Terminal terminal) {
        byte[] bytes = Inputs.readAll(file, terminal);
        try {
            return StrictJson.parse(bytes);
        } catch (JsonException e) {
            throw CliException.json(Inputs.describe(file), e);
        }
    }

    @Command(
            name = "canonicalize",
            mixinStandardHelpOptions = true,
            description = {
                "Print the RFC 8785 canonical form of a JSON document, with no newline added.",
                "Refuses duplicate keys, lone surrogates, integers beyond 2^53-1, NaN/Infinity and invalid JSON."
            })
    static final class Canonicalize implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(
                arity = "0..1",
                paramLabel = "FILE|-",
                defaultValue = Inputs.STDIN,
                description = "JSON file to read; - (the default) reads standard input.")
        String file;

        @Override
        public Integer call() {
            Cairn root = Cairn.of(spec);
            JsonNode node = parse(file, root.terminal());
            byte[] canonical;
            try {
                canonical = Canonical.canonicalize(node);
            } catch (JsonException e) {
                throw CliException.json(Inputs.describe(file), e);
            }
            root.output().bytes(canonical);
            return ExitCodes.OK;
        }
    }

    /** What {@code cairn json hash --json} prints. */
    record HashResult(String artifactId, String source, String method) {}

    @Command(
            name = "hash",
            mixinStandardHelpOptions = true,
            description = {
                "Print the ArtifactId of a JSON document: the SHA-256, in lowercase hex, of its RFC 8785 canonical form.",
                "With --bytes, the SHA-256 of the file's bytes as they are (any file, not only JSON)."
            })
    static final class Hash implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(
                arity = "0..1",
                paramLabel = "FILE|-",
                defaultValue = Inputs.STDIN,
                description = "File to read; - (the default) reads standard input.")
        String file;

        @Option(names = "--bytes", description = "Hash the bytes as they are, without parsing or canonicalizing.")
        boolean bytes;

        @Override
        public Integer call() {
            Cairn root = Cairn.of(spec);
            String id;
            if (bytes) {
                try (InputStream in = Inputs.open(file, root.terminal())) {
                    id = ArtifactIds.ofStream(in);
                } catch (IOException e) {
                    throw CliException.io(Inputs.describe(file), e);
                }
            } else {
                JsonNode node = parse(file, root.terminal());
                try {
                    id = ArtifactIds.ofJson(node);
                } catch (JsonException e) {
                    throw CliException.json(Inputs.describe(file), e);
                }
            }
            HashResult result = new HashResult(id, Inputs.describe(file), bytes ? "sha256" : "rfc8785-sha256");
            root.output().result(result, HashResult::artifactId);
            return ExitCodes.OK;
        }
    }
}
