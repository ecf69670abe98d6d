package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.VariantCase;
import dev.cairn.json.wire.WireEnum;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The request and answer of the {@code export} IO namespace ({@link ExportTransport}): the run's
 * last state pushes the pipeline's {@code export:} artifacts through the export sinks in one call
 * with a fact key, so the receipts are recorded facts and a replay never exports again.
 */
final class ExportCall {

    /** The IO namespace of exports. */
    static final String NAMESPACE = "export";

    private ExportCall() {}

    /** A target of the spec's {@code export.targets}, bound. */
    @WireEnum(tag = "kind", variants = VariantCase.SNAKE_CASE)
    sealed interface Target {
        /** A directory, relative to the orchestrator's export base unless absolute. */
        record Dir(String dir) implements Target {
            public Dir {
                Objects.requireNonNull(dir, "dir");
            }
        }

        /** HTTP PUT to {@code url} joined with the name, with an optional bearer secret's name. */
        record Put(String url, Optional<String> bearer) implements Target {
            public Put {
                Objects.requireNonNull(url, "url");
                Objects.requireNonNull(bearer, "bearer");
            }
        }
    }

    /**
     * One artifact to push.
     *
     * @param name the exported name
     * @param step the step that produced it
     * @param artifactId its content in the artifact store
     * @param target the target's name; empty for the default sink
     * @param contentType its media type
     */
    record Item(String name, String step, String artifactId, Optional<String> target, Optional<String> contentType) {
        Item {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(artifactId, "artifact_id");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(contentType, "content_type");
        }
    }

    /** Push {@code items} to {@code targets}, in order. */
    record Request(SortedMap<String, Target> targets, List<Item> items) {
        Request {
            targets = new TreeMap<>(targets);
            items = List.copyOf(items);
        }
    }

    /**
     * One outcome, as the domain event that records it ({@code export_pushed} or {@code
     * export_failed}, the payload of the sinks' {@code ExportOutcome}).
     */
    record Outcome(String event, JsonNode payload) {
        Outcome {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(payload, "payload");
        }
    }

    /** Every item's outcome, in order. */
    record Answer(List<Outcome> outcomes) {
        Answer {
            outcomes = List.copyOf(outcomes);
        }
    }
}
