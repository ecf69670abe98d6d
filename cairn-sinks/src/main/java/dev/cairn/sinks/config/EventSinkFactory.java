package dev.cairn.sinks.config;

import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.SinkException;
import dev.cairn.sinks.delivery.DeliverySink;
import dev.cairn.sinks.jsonl.JsonLinesEventSink;
import dev.cairn.sinks.nats.NatsJetStreamEventSink;
import dev.cairn.sinks.webhook.WebhookEventSink;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Builds the sink a configuration describes. Secrets the configuration names are resolved through
 * {@link SecretLookup} when the sink is built.
 *
 * <p>Per-run sinks come from a pipeline's author rather than from the operator, so they are held to
 * a narrower policy: a JSON Lines file of a run must lie under {@code runFileRoot} (and is refused
 * when there is none).
 */
public final class EventSinkFactory {

    private final SecretLookup secrets;
    private final InstantSource clock;
    private final Optional<Path> runFileRoot;

    /**
     * @param secrets resolves the secrets sinks name
     * @param clock the clock webhook signatures are dated with
     * @param runFileRoot the directory under which per-run JSON Lines files may be written, if any
     */
    public EventSinkFactory(SecretLookup secrets, InstantSource clock, Optional<Path> runFileRoot) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.runFileRoot = Objects.requireNonNull(runFileRoot, "run_file_root")
                .map(p -> p.toAbsolutePath().normalize());
    }

    /** The sink of a server configuration. */
    public DeliverySink create(EventSinkConfig config) {
        Objects.requireNonNull(config, "config");
        return switch (config.target()) {
            case SinkTarget.JsonLines t -> new JsonLinesEventSink(t);
            case SinkTarget.Webhook t -> new WebhookEventSink(t, secrets, clock, new SplittableRandom());
            case SinkTarget.Nats t -> new NatsJetStreamEventSink(t, secrets);
        };
    }

    /** The sink of a run's own configuration, after the per-run policy check. */
    public DeliverySink createForRun(EventSinkConfig config) {
        Objects.requireNonNull(config, "config");
        if (config.target() instanceof SinkTarget.JsonLines file) {
            Path path = file.path().toAbsolutePath().normalize();
            if (runFileRoot.isEmpty() || !path.startsWith(runFileRoot.get())) {
                throw SinkException.invalidConfig(
                        "/jsonl/path",
                        runFileRoot
                                .map(root -> "a run's JSON Lines file must lie under " + root + ", got " + path)
                                .orElse("this server does not allow runs to write event files; use a webhook or NATS"));
            }
        }
        return create(config);
    }
}
