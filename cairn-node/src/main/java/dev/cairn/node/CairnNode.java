package dev.cairn.node;

import dev.cairn.executor.cell.CellStepOptions;
import dev.cairn.inference.SqliteTokenBudgets;
import dev.cairn.machine.ids.RunId;
import dev.cairn.machine.stores.ArtifactStore;
import dev.cairn.orchestrator.embedded.EmbeddedOrchestrator;
import dev.cairn.orchestrator.embedded.ExportScanning;
import dev.cairn.orchestrator.embedded.OrchestratorOptions;
import dev.cairn.orchestrator.embedded.RunListener;
import dev.cairn.orchestrator.embedded.SecretCatalog;
import dev.cairn.runner.node.RunnerNode;
import dev.cairn.runner.node.RunnerRegistry;
import dev.cairn.runner.node.command.CellCommandExecutor;
import dev.cairn.secrets.LocalSecretBroker;
import dev.cairn.secrets.LocalSecretStore;
import dev.cairn.secrets.SecretInfo;
import dev.cairn.secrets.mask.Masker;
import dev.cairn.server.Server;
import dev.cairn.server.ServerOptions;
import dev.cairn.server.SqliteTokenStore;
import dev.cairn.server.Tokens;
import dev.cairn.sinks.SecretLookup;
import dev.cairn.sinks.config.EventSinkFactory;
import dev.cairn.sinks.config.EventsConfig;
import dev.cairn.sinks.delivery.EventRelay;
import dev.cairn.sinks.delivery.RelayOptions;
import dev.cairn.sinks.export.ExportSinks;
import dev.cairn.sinks.export.SecretScanner;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A whole Cairn in one process, over one home directory: what {@code cairn run} and {@code cairn
 * server} open, and what tests and benchmarks open to get the real thing.
 *
 * <pre>{@code
 * try (CairnNode node = CairnNode.open(NodeOptions.builder()
 *         .home(Path.of("/var/lib/cairn"))
 *         .server(ServerSettings.parse("127.0.0.1:8420"))   // optional
 *         .build())) {
 *     String runId = node.orchestrator().submitPipeline(request).runId();
 *     node.serverUri();                                      // http://127.0.0.1:8420
 * }
 * }</pre>
 *
 * <p>{@link #open} assembles, in this order: the home's {@link LocalSecretStore} ({@code
 * <home>/secrets}, where {@code cairn secrets set} writes), whose catalog the orchestrator checks
 * and versions cache keys with, whose broker the in-process cells resolve secrets from, and whose
 * values export refuses to copy in any encoding; the {@link EmbeddedOrchestrator} on {@code
 * <home>/cairn.db} and {@code <home>/artifacts} (which resumes the runs that had not ended), with
 * the token table and the event relay's cursors in the same database; the {@link EventRelay}
 * delivering the durable log to the server-level sinks ({@link NodeOptions#events()}, else {@code
 * <home>/cairn.yaml}) and to stored per-run sinks; the HTTP {@link Server} when asked for (tokens
 * from the home's token table, required beyond loopback); and an in-process {@link RunnerNode} with
 * the built-in capabilities unless switched off. {@link #close} takes them down in the reverse
 * order: the runner node stops taking leases and lets its tasks finish, the server stops, the relay
 * stops, then the orchestrator closes its stores.
 *
 * <p>One process opens a home at a time: a second open fails with {@code store_locked} naming the
 * holder. Thread-safe; plain wiring, no container.
 */
public final class CairnNode implements AutoCloseable {

    /** The directory under the home where per-run JSON Lines event files may be written. */
    public static final String RUN_EVENTS_DIR = "run-events";

    /** The directory under the home of the encrypted local secret store ({@code cairn secrets set}). */
    public static final String SECRETS_DIR = "secrets";

    private final Path home;
    private final EmbeddedOrchestrator orchestrator;
    private final SqliteTokenStore tokenStore;
    private final EventRelay relay;
    private final Server server;
    private final RunnerNode runner;
    private final PrometheusMeterRegistry meters;
    private final NodeInference inference;
    private boolean closed;

    private CairnNode(
            Path home,
            EmbeddedOrchestrator orchestrator,
            SqliteTokenStore tokenStore,
            EventRelay relay,
            Server server,
            RunnerNode runner,
            PrometheusMeterRegistry meters,
            NodeInference inference) {
        this.home = home;
        this.orchestrator = orchestrator;
        this.tokenStore = tokenStore;
        this.relay = relay;
        this.server = server;
        this.runner = runner;
        this.meters = meters;
        this.inference = inference;
    }

    /**
     * Opens the node (see the class documentation).
     *
     * @throws NodeException {@code invalid_config} when {@code <home>/cairn.yaml} is wrong
     * @throws dev.cairn.machine.errors.StorageException {@code store_locked} when another process
     *     has the home open
     * @throws dev.cairn.server.ServerException {@code auth_required} (beyond loopback without a
     *     token), {@code bind_failed}
     * @throws dev.cairn.sinks.SinkException when a configured sink cannot be built
     * @throws dev.cairn.secrets.SecretsException {@code secret_store_insecure}, {@code
     *     secret_store_corrupt}, {@code secret_io} when {@code <home>/secrets} cannot be opened
     */
    public static CairnNode open(NodeOptions options) {
        Objects.requireNonNull(options, "options");
        Path home = options.home().toAbsolutePath().normalize();
        // options' sinks replace the file's (which is then not read for them); inference is the file's
        NodeConfig config = NodeConfig.read(
                home.resolve(NodeOptions.CONFIG_FILE), options.events().isEmpty());
        EventsConfig events = options.events().orElse(config.events());
        LocalSecretStore secrets = LocalSecretStore.open(home.resolve(SECRETS_DIR));
        LocalSecretBroker broker = secrets.broker();
        NodeInference inference =
                config.inference().map(c -> new NodeInference(c, broker)).orElse(null);
        PrometheusMeterRegistry meters =
                options.server().isPresent() ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
        RunSinks runSinks = new RunSinks();
        OrchestratorOptions.Builder tuning = OrchestratorOptions.builder()
                .home(home)
                .secrets(SecretCatalog.of(secrets))
                .exportSinks(new ExportSinks(
                        name -> revealed(broker, name), scanner(secrets, broker), InstantSource.system()))
                .runListener(runSinks);
        List<String> migrations =
                new ArrayList<>(List.of(SqliteTokenStore.MIGRATION_MODULE, EventRelay.MIGRATION_MODULE));
        if (inference != null) {
            tuning.inference(inference::transport);
            migrations.add(SqliteTokenBudgets.MIGRATION_MODULE);
        }
        options.exportBase().ifPresent(tuning::exportBase);
        if (meters != null) {
            tuning.meters(meters);
        }
        options.orchestrator().accept(tuning);
        EmbeddedOrchestrator orchestrator;
        try {
            orchestrator = EmbeddedOrchestrator.open(tuning.home(home).build(), migrations);
        } catch (RuntimeException e) {
            if (meters != null) {
                meters.close();
            }
            if (inference != null) {
                inference.close();
            }
            throw e;
        }
        List<AutoCloseable> opened = new ArrayList<>();
        if (inference != null) {
            opened.add(inference);
        }
        opened.add(orchestrator);
        if (meters != null) {
            opened.add(meters::close);
        }
        try {
            SqliteTokenStore tokens = new SqliteTokenStore(orchestrator.database());
            // sinks name secrets (a webhook's HMAC `secret`, a `bearer`, a NATS `token`): the home's store
            SecretLookup sinkSecrets = name -> revealed(broker, name);
            EventSinkFactory factory = new EventSinkFactory(
                    sinkSecrets, InstantSource.system(), Optional.of(home.resolve(RUN_EVENTS_DIR)));
            EventRelay relay = EventRelay.start(orchestrator.database(), events, factory, RelayOptions.builder());
            opened.add(relay);
            runSinks.attach(relay, orchestrator);
            Server server = null;
            if (options.server().isPresent()) {
                ServerSettings settings = options.server().get();
                ServerOptions.Builder serverOptions = ServerOptions.builder(orchestrator)
                        .bindAddress(settings.bindAddress())
                        .port(settings.port())
                        .tokenStore(tokens)
                        .requireAuth(settings.requireAuth())
                        .meterRegistry(meters);
                server = Server.start(serverOptions.build());
                opened.add(server);
            }
            RunnerNode runner = null;
            if (options.runner()) {
                CellStepOptions cells = CellStepOptions.defaults().withSecretBroker(broker);
                if (inference != null) {
                    cells = cells.withInference(inference.cells());
                }
                CellStepOptions cellOptions = cells;
                RunnerRegistry registry = options.registry().orElseGet(() -> RunnerRegistry.builder()
                        .builtIns(CellCommandExecutor.create(cellOptions))
                        .discover()
                        .build());
                runner = RunnerNode.start(
                        orchestrator.localLeases(), orchestrator.artifacts(), registry, options.runnerOptions());
            }
            return new CairnNode(home, orchestrator, tokens, relay, server, runner, meters, inference);
        } catch (RuntimeException e) {
            closeAll(opened.reversed(), e);
            throw e;
        }
    }

    /** The home directory, absolute. */
    public Path home() {
        return home;
    }

    /** The orchestrator: submit, watch, cancel, resume and replay runs; its leases and artifacts. */
    public EmbeddedOrchestrator orchestrator() {
        return orchestrator;
    }

    /** The content-addressed store of the home ({@code <home>/artifacts}). */
    public ArtifactStore artifacts() {
        return orchestrator.artifacts();
    }

    /** The HTTP server's base URL, when the node serves HTTP. */
    public Optional<URI> serverUri() {
        return Optional.ofNullable(server).map(Server::uri);
    }

    /** The bearer tokens of the home's server (create, list, revoke). */
    public Tokens tokens() {
        return new Tokens(tokenStore);
    }

    /** The in-process runner node, unless switched off. */
    public Optional<RunnerNode> runner() {
        return Optional.ofNullable(runner);
    }

    /**
     * The per-run token budgets and ledger of inference calls, when {@code <home>/cairn.yaml}
     * configures inference.
     */
    public Optional<SqliteTokenBudgets> inferenceBudgets() {
        return inference == null ? Optional.empty() : inference.budgets();
    }

    /** The relay delivering the event log to sinks. */
    public EventRelay relay() {
        return relay;
    }

    /**
     * Stops the node: the runner node stops taking leases and lets running tasks finish (up to its
     * shutdown grace), the server answers no more and closes, the relay stops, and the orchestrator
     * closes its stores (runs that had not ended resume on the next open). Closing twice does
     * nothing.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<AutoCloseable> order = new ArrayList<>();
        if (runner != null) {
            order.add(runner);
        }
        if (server != null) {
            order.add(server);
        }
        order.add(relay);
        order.add(orchestrator);
        if (inference != null) {
            order.add(inference);
        }
        if (meters != null) {
            order.add(meters::close);
        }
        RuntimeException first = closeAll(order, null);
        if (first != null) {
            throw first;
        }
    }

    /** The value of a secret of the home's store, for export targets that authenticate with one. */
    private static byte[] revealed(LocalSecretBroker broker, String name) {
        String holder = "export-" + UUID.randomUUID();
        try (var view = broker.resolve(name, holder, 60)) {
            return view.reveal().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            throw dev.cairn.sinks.SinkException.secretUnavailable(name, e.getMessage());
        } finally {
            broker.revokeForCell(holder);
        }
    }

    /**
     * Export scanning over every secret of the home's store, in every form the masker knows; the
     * masker is rebuilt for each file so that a secret set after the node opened is found too.
     */
    private static SecretScanner scanner(LocalSecretStore store, LocalSecretBroker broker) {
        return in -> {
            String holder = "export-scan-" + UUID.randomUUID();
            try {
                Masker.Builder masker = Masker.builder();
                for (SecretInfo info : store.list()) {
                    try (var view = broker.resolve(info.name(), holder, 60)) {
                        masker.secret(view);
                    }
                }
                return ExportScanning.of(masker.build()).scan(in);
            } finally {
                broker.revokeForCell(holder);
            }
        };
    }

    /**
     * Subscribes each run's own sinks to the relay when the orchestrator starts or resumes driving
     * it; runs announced before the relay exists (resumed while the orchestrator opens) are
     * subscribed when it is attached.
     */
    private static final class RunSinks implements RunListener {
        private final List<String> pending = new ArrayList<>();
        private EventRelay relay;
        private EmbeddedOrchestrator orchestrator;

        @Override
        public void driving(String runId, List<dev.cairn.sinks.config.EventSinkConfig> sinks) {
            synchronized (this) {
                if (relay == null) {
                    if (!sinks.isEmpty()) {
                        pending.add(runId);
                    }
                    return;
                }
            }
            if (!sinks.isEmpty()) {
                relay.subscribeRun(RunId.parse(runId), sinks);
            }
        }

        void attach(EventRelay relay, EmbeddedOrchestrator orchestrator) {
            List<String> waiting;
            synchronized (this) {
                this.relay = relay;
                this.orchestrator = orchestrator;
                waiting = List.copyOf(pending);
                pending.clear();
            }
            for (String runId : waiting) {
                relay.subscribeRun(RunId.parse(runId), this.orchestrator.runSinks(runId));
            }
        }
    }

    private static RuntimeException closeAll(List<AutoCloseable> order, RuntimeException primary) {
        RuntimeException first = null;
        for (AutoCloseable c : order) {
            try {
                c.close();
            } catch (Exception e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }
}
