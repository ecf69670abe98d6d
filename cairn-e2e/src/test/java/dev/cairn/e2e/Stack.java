package dev.cairn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cairn.client.CairnClient;
import dev.cairn.contracts.RunState;
import dev.cairn.contracts.api.PipelineRunRequest;
import dev.cairn.contracts.api.RunDetail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** Starting the stack's JVMs and talking to them: the helpers every end-to-end test shares. */
final class Stack {

    static final Duration START = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private Stack() {}

    /** A server JVM ({@link NodeMain}) on {@code home}, bound to {@code bind}; returns it once it listens. */
    static Served node(Path dir, Path home, String bind, Duration leaseTtl, boolean runner) {
        ChildJvm jvm = ChildJvm.start(
                dir,
                "server",
                NodeMain.class.getName(),
                home.toString(),
                bind,
                Long.toString(leaseTtl.toMillis()),
                Boolean.toString(runner));
        return new Served(jvm, URI.create(urlOf(jvm)));
    }

    /** {@code cairn server --json} with {@code args}; returns it once it listens. */
    static Served cairnServer(Path dir, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "server";
        all[1] = "--json";
        System.arraycopy(args, 0, all, 2, args.length);
        ChildJvm jvm = ChildJvm.cairn(dir, "server", all);
        return new Served(jvm, URI.create(urlOf(jvm)));
    }

    private static String urlOf(ChildJvm jvm) {
        String line = jvm.awaitLine(l -> l.startsWith("{\"url\""), START);
        try {
            return JSON.readTree(line).get("url").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code cairn worker} JVM taking {@code capability} from {@code server}; returns it once it runs. */
    static ChildJvm worker(Path dir, String name, URI server, String capability) {
        ChildJvm jvm = ChildJvm.cairn(
                dir,
                name,
                "worker",
                "--server",
                server.toString(),
                "--capability",
                capability,
                "--worker-id",
                name,
                "--listen",
                "none",
                "--json");
        jvm.awaitLine(l -> l.startsWith("{\"worker_id\""), START);
        return jvm;
    }

    /** A server JVM and its base URL. */
    record Served(ChildJvm jvm, URI url) implements AutoCloseable {
        @Override
        public void close() {
            jvm.close();
        }
    }

    static CairnClient client(URI url) {
        return CairnClient.builder(url).build();
    }

    /** A pipeline spec written as YAML, as JSON. */
    static JsonNode spec(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String submit(CairnClient client, String yaml) {
        return client.submitPipeline(PipelineRunRequest.of(spec(yaml), Map.of()))
                .runId();
    }

    /** Waits until the run has ended; returns its detail. */
    static RunDetail awaitEnd(CairnClient client, String runId) {
        AtomicReference<RunDetail> last = new AtomicReference<>();
        Waits.until(
                () -> {
                    RunDetail d = client.detail(runId);
                    last.set(d);
                    return d.state() != RunState.QUEUED && d.state() != RunState.RUNNING;
                },
                () -> "run " + runId + " ended; last seen " + last.get());
        return last.get();
    }

    /** A free loopback port (for a server that must come back on the same address). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertCompleted(RunDetail detail) {
        assertThat(detail.state()).as(detail.toString()).isEqualTo(RunState.COMPLETED);
    }
}
