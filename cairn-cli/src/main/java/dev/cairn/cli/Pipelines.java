package dev.cairn.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.orchestrator.spec.LocalInputs;
import dev.cairn.orchestrator.spec.SpecDocument;
import dev.cairn.orchestrator.spec.SpecParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Reading a pipeline file and its {@code --param}s into a request, as {@code run} and {@code submit} do. */
final class Pipelines {

    private Pipelines() {}

    /**
     * Reads {@code --param name=value} options.
     *
     * @throws CliException {@code usage} for one without {@code =} or a name given twice
     */
    static Map<String, String> params(List<String> options) {
        Map<String, String> params = new TreeMap<>();
        for (String option : options) {
            int eq = option.indexOf('=');
            if (eq <= 0) {
                throw CliException.usage(
                        "--param `" + option + "` is not NAME=VALUE",
                        "Write each param as --param NAME=VALUE, e.g. --param min_units=3.");
            }
            String name = option.substring(0, eq);
            if (params.put(name, option.substring(eq + 1)) != null) {
                throw CliException.usage("--param " + name + " is given twice", "Give each param once.");
            }
        }
        return params;
    }

    /**
     * Reads and checks {@code file} (every error at once, with line and column), binds {@code
     * params} (unknown names and values of the wrong type are errors too), stores its local inputs
     * in {@code uploads}, and returns the request.
     *
     * @throws dev.cairn.orchestrator.spec.SpecException with every error found
     */
    static PipelineRunRequest request(Path file, Map<String, String> params, boolean dryRun, ArtifactStore uploads) {
        SpecDocument document = check(file, params);
        ObjectNode spec = LocalInputs.upload(document, params, uploads);
        return new PipelineRunRequest(spec, new TreeMap<>(params), dryRun, Optional.empty());
    }

    /** Reads, checks and binds {@code file} without storing anything. */
    static SpecDocument check(Path file, Map<String, String> params) {
        SpecDocument document = new SpecParser().read(file).orThrow();
        document.tryBind(params).orThrow();
        return document;
    }
}
