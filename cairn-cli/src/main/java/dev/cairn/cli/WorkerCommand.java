package dev.cairn.cli;

import dev.cairn.runner.node.RunnerNodeOptions;
import dev.cairn.runner.node.remote.Worker;
import dev.cairn.runner.node.remote.WorkerOptions;
import java.net.InetSocketAddress;
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
 * {@code cairn worker}: a runner node in this process that takes tasks from a {@code cairn server}
 * over HTTP, and serves seed 003's runner contract ({@code POST /execute}, {@code GET /info}).
 */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = {
            "Take tasks from a cairn server by capability and run them here, until SIGTERM or SIGINT.",
            "Also serves seed 003's runner contract (POST /execute, GET /info) on --listen."
        })
final class WorkerCommand implements Callable<Integer> {

    /** What {@code cairn worker --json} prints once it runs. */
    record Started(
            String workerId,
            String server,
            List<String> capabilities,
            Map<String, String> labels,
            Optional<String> serviceUrl) {}

    @Spec
    CommandSpec spec;

    @Option(
            names = "--server",
            paramLabel = "URL",
            defaultValue = "${env:CAIRN_SERVER}",
            description = "The cairn server (default: $CAIRN_SERVER).")
    String server;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            defaultValue = "${env:CAIRN_TOKEN}",
            description = "A runner token (`cairn token create --kind runner`; default: $CAIRN_TOKEN).")
    String token;

    @Option(
            names = "--capability",
            paramLabel = "NAME",
            description = "A capability to serve (default: every runner on the class path); repeatable.")
    List<String> capabilities = new ArrayList<>();

    @Option(names = "--label", paramLabel = "NAME=VALUE", description = "A label, e.g. region=eu; repeatable.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--concurrency", paramLabel = "N", description = "Tasks at once (default: the processors).")
    Integer concurrency;

    @Option(names = "--worker-id", paramLabel = "ID", description = "The worker's id (default: HOST-PID).")
    String workerId;

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:0",
            description = "Where to serve /execute and /info (default: ${DEFAULT-VALUE}; `none` serves nothing).")
    String listen;

    @Option(
            names = "--service-token",
            paramLabel = "TOKEN",
            defaultValue = "${env:CAIRN_SERVICE_TOKEN}",
            description =
                    "The token callers of /execute must send; required beyond loopback (default: $CAIRN_SERVICE_TOKEN).")
    String serviceToken;

    @Override
    public Integer call() throws InterruptedException {
        Cairn root = Cairn.of(spec);
        if (server == null || server.isBlank()) {
            throw CliException.usage(
                    "a worker needs --server URL (or CAIRN_SERVER)",
                    "Start a server with `cairn server`, then give its URL.");
        }
        WorkerOptions.Builder options =
                WorkerOptions.builder(Target.parseServer(server)).capabilities(capabilities);
        if (token != null && !token.isBlank()) {
            options.token(token);
        }
        for (String label : labels) {
            Map.Entry<String, String> entry = RunnerNodeOptions.parseLabel(label);
            options.label(entry.getKey(), entry.getValue());
        }
        if (concurrency != null) {
            options.concurrency(concurrency);
        }
        if (workerId != null) {
            options.node(RunnerNodeOptions.builder().workerId(workerId).build());
        }
        options.listen(listenAddress(listen));
        if (serviceToken != null && !serviceToken.isBlank()) {
            options.serviceToken(serviceToken);
        }
        Worker worker = Worker.start(options.build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            try {
                worker.close();
            } finally {
                stopped.countDown();
            }
        }));
        root.output()
                .result(
                        new Started(
                                worker.node().workerId(),
                                server,
                                worker.node().capabilities(),
                                worker.node().labels(),
                                worker.serviceUri().map(Object::toString)),
                        s -> "cairn worker " + s.workerId() + " taking " + s.capabilities() + " from " + s.server()
                                + (s.labels().isEmpty() ? "" : " with labels " + s.labels())
                                + s.serviceUrl()
                                        .map(u -> "; runner contract on " + u)
                                        .orElse(""));
        root.terminal().flush();
        stopped.await();
        return ExitCodes.OK;
    }

    private static InetSocketAddress listenAddress(String text) {
        if (text == null || text.isBlank() || text.equals("none")) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw CliException.usage(
                    "--listen `" + text + "` is not HOST:PORT", "e.g. --listen 127.0.0.1:9000, or none.");
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(
                    "--listen `" + text + "`: " + e.getMessage(), "e.g. --listen 127.0.0.1:9000, or none.");
        }
    }
}
