package dev.cairn.orchestrator.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.stores.ArtifactKind;
import dev.cairn.machine.stores.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What a submitter does before sending a pipeline that has local inputs ({@code {path: …}}): stores
 * each file in the artifact store and rewrites the input as {@code {artifact: <id>, to: …}}, so the
 * run's inputs are fixed, content-addressed and replayable, and the orchestrator never reads the
 * submitter's paths. A directory becomes one artifact input per regular file under it, at the same
 * relative path under {@code to} (empty directories are not kept, nor modes; workspace trees will
 * keep both).
 *
 * <pre>{@code
 * SpecDocument doc = new SpecParser().parse(Path.of("examples/build-and-test.yaml"));
 * ObjectNode spec = LocalInputs.upload(doc, params, orchestrator.artifacts());
 * orchestrator.submitPipeline(PipelineRunRequest.of(spec, params));
 * }</pre>
 */
public final class LocalInputs {

    private LocalInputs() {}

    /**
     * The spec in its JSON form ({@link SpecWriter}) with every local input uploaded to {@code
     * store} and replaced by artifact inputs. Params are bound first, since a local path may use
     * them; the returned spec keeps its param references everywhere else.
     *
     * @throws SpecException when the params do not bind, or a local input cannot be read ({@code
     *     unreadable_file}, at the input's path), or the document has no directory to resolve
     *     local paths against
     */
    public static ObjectNode upload(SpecDocument document, Map<String, String> params, ArtifactStore store) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(store, "store");
        BoundPipeline bound = document.bind(params);
        ObjectNode json = SpecWriter.toJson(document.spec());
        ArrayNode steps = (ArrayNode) json.get("steps");
        for (int i = 0; i < bound.steps().size(); i++) {
            List<InputSpec> inputs = bound.steps().get(i).inputs();
            if (inputs.stream().noneMatch(in -> in instanceof InputSpec.Local)) {
                continue;
            }
            ArrayNode rewritten = JsonNodeFactory.instance.arrayNode();
            JsonNode written = steps.get(i).get("inputs");
            for (int j = 0; j < inputs.size(); j++) {
                if (inputs.get(j) instanceof InputSpec.Local local) {
                    String pointer = "/steps/" + i + "/inputs/" + j + "/path";
                    for (ObjectNode artifact : upload(document, local, pointer, store)) {
                        rewritten.add(artifact);
                    }
                } else {
                    rewritten.add(written.get(j).deepCopy());
                }
            }
            ((ObjectNode) steps.get(i)).set("inputs", rewritten);
        }
        return json;
    }

    private static List<ObjectNode> upload(
            SpecDocument document, InputSpec.Local local, String pointer, ArtifactStore store) {
        Path base = document.baseDir()
                .orElseThrow(() -> unreadable(
                        document,
                        pointer,
                        "local input `" + local.path() + "` has no directory to be found in: the spec was not"
                                + " read from a file"));
        Path source = base.resolve(local.path()).normalize();
        List<ObjectNode> out = new ArrayList<>();
        try {
            if (Files.isDirectory(source)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(source)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path file : files) {
                    String relative = source.relativize(file).toString().replace('\\', '/');
                    out.add(artifact(put(store, file), join(local.to(), relative)));
                }
            } else {
                out.add(artifact(put(store, source), local.to()));
            }
        } catch (IOException e) {
            throw unreadable(
                    document,
                    pointer,
                    "cannot read local input `" + local.path() + "`: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + Texts.abbreviate(e.getMessage())));
        }
        return out;
    }

    private static ArtifactId put(ArtifactStore store, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return store.putStream(new ArtifactKind.Other("input"), in);
        }
    }

    private static ObjectNode artifact(ArtifactId id, String to) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("artifact", id.value());
        node.put("to", to);
        return node;
    }

    private static String join(String to, String relative) {
        if (to.equals(".")) {
            return relative;
        }
        return to.endsWith("/") ? to + relative : to + "/" + relative;
    }

    private static SpecException unreadable(SpecDocument document, String pointer, String message) {
        int line = 0;
        int column = 0;
        if (document.sources().isPresent()) {
            SourcePosition at = document.sources().get().value(pointer);
            line = at.line();
            column = at.column();
        }
        return new SpecException(
                document.sourceName(),
                List.of(new SpecError(line, column, pointer, SpecCode.UNREADABLE_FILE, message, null)));
    }
}
