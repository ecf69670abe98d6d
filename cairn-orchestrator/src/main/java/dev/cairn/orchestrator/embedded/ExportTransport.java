package dev.cairn.orchestrator.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cell.api.ExportSink;
import dev.cairn.json.JsonException;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.errors.ErrorCategory;
import dev.cairn.machine.errors.ErrorInfo;
import dev.cairn.machine.errors.IoException;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.io.IoCall;
import dev.cairn.machine.runtime.io.IoCallContext;
import dev.cairn.machine.runtime.io.IoTransport;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.export.ExportItem;
import dev.cairn.sinks.export.ExportOutcome;
import dev.cairn.sinks.export.ExportSinks;
import dev.cairn.sinks.export.ExportTargetConfig;
import dev.cairn.sinks.export.Exporter;
import dev.cairn.store.fs.FsArtifactStore;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code export} namespace of the kernel's IO: pushes a run's export items through cairn-sinks'
 * {@link Exporter} (directory and HTTP PUT sinks, which refuse bytes holding a known secret and name
 * the step that produced them) and answers every outcome. Each item's bytes are the artifact
 * store's durable copy of the step's output. The kernel records the answer as a fact.
 */
final class ExportTransport implements IoTransport {

    private final FsArtifactStore store;
    private final ExportSinks sinks;
    private final ExportSink defaultSink;
    private final Path base;

    ExportTransport(FsArtifactStore store, ExportSinks sinks, ExportSink defaultSink, Path base) {
        this.store = Objects.requireNonNull(store, "store");
        this.sinks = Objects.requireNonNull(sinks, "sinks");
        this.defaultSink = Objects.requireNonNull(defaultSink, "default_sink");
        this.base = Objects.requireNonNull(base, "base").toAbsolutePath();
    }

    @Override
    public JsonNode call(IoCall call, IoCallContext context) {
        ExportCall.Request request;
        try {
            request = Wire.fromTree(call.request(), ExportCall.Request.class);
        } catch (JsonException e) {
            throw IoException.other(
                    ErrorInfo.of(
                            "invalid_export_request",
                            ErrorCategory.PARSING_INPUT,
                            false,
                            "an `export` call's request does not read (" + e.code() + " at " + e.path() + ")"),
                    e);
        }
        Map<String, ExportSink> targets = new HashMap<>();
        Map<String, SinkException> broken = new HashMap<>();
        request.targets().forEach((name, target) -> {
            try {
                targets.put(name, sinks.create(config(target)));
            } catch (SinkException e) {
                broken.put(name, e);
            }
        });
        Exporter exporter = new Exporter(targets, defaultSink);
        List<ExportCall.Outcome> outcomes = new ArrayList<>();
        for (ExportCall.Item item : request.items()) {
            ExportOutcome outcome;
            SinkException bad = item.target().map(broken::get).orElse(null);
            if (bad != null) {
                outcome = new ExportOutcome.Failed(
                        item.name(), item.step(), item.target(), bad.code(), bad.getMessage(), false);
            } else {
                outcome = exporter.export(new ExportItem(
                        item.name(),
                        item.step(),
                        store.pathOf(new ArtifactId(item.artifactId())),
                        item.target(),
                        item.contentType()));
            }
            DomainEvent event = outcome.toDomainEvent();
            outcomes.add(new ExportCall.Outcome(event.name(), event.payload()));
        }
        return Wire.toTree(new ExportCall.Answer(outcomes));
    }

    private ExportTargetConfig config(ExportCall.Target target) {
        return switch (target) {
            case ExportCall.Target.Dir d ->
                new ExportTargetConfig.Directory(base.resolve(d.dir()).normalize(), false);
            case ExportCall.Target.Put p -> {
                URI uri;
                try {
                    uri = new URI(p.url());
                } catch (URISyntaxException e) {
                    throw SinkException.invalidExportTarget("the URL does not parse: " + e.getReason());
                }
                yield ExportTargetConfig.HttpPut.to(uri, p.bearer());
            }
        };
    }
}
