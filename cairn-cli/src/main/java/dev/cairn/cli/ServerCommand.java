package dev.cairn.cli;

import dev.cairn.node.CairnNode;
import dev.cairn.node.NodeOptions;
import dev.cairn.node.ServerSettings;
import dev.cairn.runner.node.RunnerNodeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cairn server}: serves the home's orchestrator over HTTP until SIGTERM or SIGINT, then
 * stops cleanly (running tasks finish or are handed back, nothing acknowledged is lost).
 */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the home's orchestrator over HTTP (docs/http-api.md) until SIGTERM or SIGINT.",
            "Runs pipeline steps in this process too, unless --no-runner; remote workers join with `cairn worker`.",
            "Beyond loopback, bearer tokens are required: create one first with `cairn token create`."
        })
final class ServerCommand implements Callable<Integer> {

    /** What {@code cairn server --json} prints once it listens. */
    record Listening(String url, String home, boolean tokensRequired, Optional<String> workerId) {}

    @Spec
    CommandSpec spec;

    @Option(
            names = "--bind",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:8420",
            description = "Where to listen (default: ${DEFAULT-VALUE}; port 0 picks a free one).")
    String bind;

    @Option(names = "--home", paramLabel = "DIR", description = "The Cairn home (default: $CAIRN_HOME, else ~/.cairn).")
    Path home;

    @Option(names = "--require-auth", description = "Require tokens on loopback too.")
    boolean requireAuth;

    @Option(names = "--no-runner", description = "Run no steps in this process: only remote workers take tasks.")
    boolean noRunner;

    @Option(
            names = "--label",
            paramLabel = "NAME=VALUE",
            description = "A label of the in-process runner (tasks requiring it go to it); repeatable.")
    List<String> labels = new ArrayList<>();

    @Option(
            names = "--lease-ttl",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = {
                "How long a task's lease lasts without a heartbeat before the task goes back on the queue"
                        + " (default 30s; 1s..24h; e.g. 10s, 2m, PT1H).",
                "Shorter hands a dead worker's tasks on sooner; runners heartbeat at a third of it."
            })
    Duration leaseTtl;

    /** The bounds of {@code --lease-ttl}. */
    static final Duration MIN_LEASE_TTL = Duration.ofSeconds(1);

    static final Duration MAX_LEASE_TTL = Duration.ofHours(24);

    @Override
    public Integer call() throws InterruptedException {
        Cairn root = Cairn.of(spec);
        ServerSettings settings;
        try {
            settings = ServerSettings.parse(bind).withRequireAuth(requireAuth);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(
                    "--bind " + e.getMessage(), "Give HOST:PORT, e.g. 127.0.0.1:8420 or 0.0.0.0:8420.");
        }
        if (leaseTtl != null && (leaseTtl.compareTo(MIN_LEASE_TTL) < 0 || leaseTtl.compareTo(MAX_LEASE_TTL) > 0)) {
            throw CliException.usage(
                    "--lease-ttl must be 1s..24h, got " + leaseTtl,
                    "Give a duration such as 30s or 2m: long enough for a runner's heartbeats to arrive.");
        }
        RunnerNodeOptions.Builder runner = RunnerNodeOptions.builder();
        for (String label : labels) {
            Map.Entry<String, String> entry = RunnerNodeOptions.parseLabel(label);
            runner.label(entry.getKey(), entry.getValue());
        }
        Path where = NodeOptions.homeFrom(Optional.ofNullable(home), System.getenv());
        CairnNode node;
        try {
            node = CairnNode.open(NodeOptions.builder()
                    .home(where)
                    .server(settings)
                    .runner(!noRunner)
                    .runnerOptions(runner.build())
                    .orchestrator(o -> {
                        if (leaseTtl != null) {
                            o.leaseTtl(leaseTtl);
                        }
                    })
                    .build());
        } catch (RuntimeException e) {
            throw Target.homeFailure(where, e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            try {
                node.close();
            } finally {
                stopped.countDown();
            }
        }));
        String url = node.serverUri().orElseThrow().toString();
        boolean tokens = requireAuth || !isLoopback(settings.bindAddress());
        root.output()
                .result(
                        new Listening(
                                url,
                                node.home().toString(),
                                tokens,
                                node.runner().map(r -> r.workerId())),
                        l -> "cairn server listening on " + l.url() + " (home " + l.home() + ", tokens "
                                + (l.tokensRequired() ? "required" : "optional on loopback") + ", "
                                + l.workerId()
                                        .map(id -> "in-process runner " + id)
                                        .orElse("no in-process runner")
                                + ")");
        root.terminal().flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private static boolean isLoopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
