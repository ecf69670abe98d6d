package dev.cairn.cli;

import dev.cairn.json.CodedError;
import dev.cairn.node.CairnNode;
import dev.cairn.node.NodeOptions;
import dev.cairn.runner.node.RunnerNodeOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where a command finds the runs: {@code --server URL} (env {@code CAIRN_SERVER}) with {@code
 * --token} (env {@code CAIRN_TOKEN}), else the embedded home ({@code --home DIR}, env {@code
 * CAIRN_HOME}, default {@code ~/.cairn}) opened in this process.
 */
final class Target {

    /** What the command does with an embedded home. */
    enum Use {
        /** Reads and control requests: no runner, no resume of other runs, no sweeper. */
        READ,
        /** Executes runs here: an in-process runner node takes their tasks. */
        EXECUTE
    }

    @Option(
            names = "--home",
            paramLabel = "DIR",
            description = "The Cairn home (default: $CAIRN_HOME, else ~/.cairn). Ignored with --server.")
    Path home;

    @Option(
            names = "--server",
            paramLabel = "URL",
            defaultValue = "${env:CAIRN_SERVER}",
            description =
                    "A cairn server, e.g. http://127.0.0.1:8420 (default: $CAIRN_SERVER; without it the home is used).")
    String server;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            defaultValue = "${env:CAIRN_TOKEN}",
            description = "The bearer token for --server (default: $CAIRN_TOKEN).")
    String token;

    /** Whether the command talks to a server. */
    boolean remote() {
        return server != null && !server.isBlank();
    }

    /** The home directory this command uses. */
    Path home() {
        return NodeOptions.homeFrom(Optional.ofNullable(home), System.getenv());
    }

    /** The server's URL, checked. */
    URI serverUri() {
        return parseServer(server);
    }

    static URI parseServer(String text) {
        try {
            URI uri = new URI(text.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw CliException.usage(
                        "--server `" + text + "` is not an http(s) URL",
                        "Give the server's base URL, e.g. http://127.0.0.1:8420.");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw CliException.usage(
                    "--server `" + text + "` is not a URL: " + e.getReason(),
                    "Give the server's base URL, e.g. http://127.0.0.1:8420.");
        }
    }

    Optional<String> token() {
        return Optional.ofNullable(token).filter(t -> !t.isBlank());
    }

    /** Opens the server's or the home's runs. */
    Backend open(Use use) {
        if (remote()) {
            return new RemoteBackend(serverUri(), token());
        }
        return new EmbeddedBackend(openHome(home(), use));
    }

    /** Opens the home in this process for {@code use}. */
    static CairnNode openHome(Path home, Use use) {
        return openHome(home, use, Optional.empty());
    }

    /**
     * Opens the home in this process for {@code use}, resolving relative export {@code dir}s against
     * {@code exportBase} when given ({@code cairn run FILE}: the file's directory).
     */
    static CairnNode openHome(Path home, Use use, Optional<Path> exportBase) {
        NodeOptions.Builder options = NodeOptions.builder().home(home);
        exportBase.ifPresent(options::exportBase);
        switch (use) {
            case READ ->
                options.runner(false).orchestrator(o -> o.resumeOnOpen(false).sweepInterval(Duration.ZERO));
            case EXECUTE ->
                options.runner(true)
                        .runnerOptions(RunnerNodeOptions.builder()
                                .shutdownGrace(Duration.ofSeconds(5))
                                .build())
                        .orchestrator(o -> o.resumeOnOpen(false));
        }
        try {
            return CairnNode.open(options.build());
        } catch (RuntimeException e) {
            throw homeFailure(home, e);
        }
    }

    /** Explains a home that cannot be opened because another process has it. */
    static RuntimeException homeFailure(Path home, RuntimeException e) {
        if (e instanceof CodedError coded && coded.code().equals("store_locked")) {
            return new CliException(
                    "store_locked",
                    coded.getMessage(),
                    "Another cairn process (a `cairn server` or a `cairn run`) has the home " + home
                            + " open; talk to a server with --server URL, or wait until that process ends.",
                    ExitCodes.UNAVAILABLE,
                    e);
        }
        return e;
    }
}
