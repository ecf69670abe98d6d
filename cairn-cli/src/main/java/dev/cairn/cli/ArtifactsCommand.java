package dev.cairn.cli;

import dev.cairn.json.ArtifactIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn artifacts get ID -o FILE}: fetches an artifact, checked against its id. */
@Command(
        name = "artifacts",
        mixinStandardHelpOptions = true,
        description = "Fetch artifacts (step outputs, inputs, manifests) by id.",
        subcommands = {ArtifactsCommand.Get.class})
final class ArtifactsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw Cairn.missingSubcommand(spec);
    }

    /** What {@code cairn artifacts get --json} prints. */
    record Fetched(String artifactId, String path, long sizeBytes) {}

    @Command(
            name = "get",
            mixinStandardHelpOptions = true,
            description = {
                "Write an artifact to FILE (or standard output with -o -). The bytes are hashed as they arrive and"
                        + " must be the SHA-256 the id names; FILE never holds wrong or partial bytes."
            })
    static final class Get implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        @Parameters(
                index = "0",
                paramLabel = "ID",
                description = "The artifact id (64 hex digits, as `cairn run` lists).")
        String id;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "FILE",
                required = true,
                description = "Where to write it; - for standard output.")
        String output;

        @Override
        public Integer call() throws IOException {
            Cairn root = Cairn.of(spec);
            if (!ArtifactIds.isValid(id)) {
                throw new CliException(
                        "invalid_artifact_id",
                        "`" + id + "` is not an artifact id",
                        "An artifact id is 64 lowercase hex digits (the SHA-256 of its bytes).",
                        ExitCodes.USAGE,
                        null);
            }
            try (Backend backend = target.open(Target.Use.READ)) {
                if (output.equals("-")) {
                    Path temp = Files.createTempFile("cairn-artifact", ".bin");
                    try {
                        backend.download(id, temp);
                        try (var in = Files.newInputStream(temp)) {
                            in.transferTo(root.terminal().out());
                        }
                    } finally {
                        Files.deleteIfExists(temp);
                    }
                    return ExitCodes.OK;
                }
                long size = backend.download(id, Path.of(output));
                root.output()
                        .result(
                                new Fetched(id, output, size),
                                f -> "wrote " + f.path() + " (" + f.sizeBytes() + " bytes, sha256 " + f.artifactId()
                                        + ")");
            }
            return ExitCodes.OK;
        }
    }
}
