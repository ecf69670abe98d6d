package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.cairn.server.fixture.CapturedLogs;
import dev.cairn.server.fixture.FixtureServer;
import dev.cairn.server.fixture.Http;
import dev.cairn.testkit.InMemoryArtifactStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away in the middle of its request body is no failure of the server: nothing is
 * stored, nothing is logged above DEBUG, and the metrics count the request as 499.
 */
class ClientAbortTest {

    @Test
    void aBodyCutShortIsAClientThatWentAway() throws Exception {
        try (FixtureServer server = FixtureServer.start();
                CapturedLogs cairn = new CapturedLogs("dev.cairn.server");
                CapturedLogs helidon = new CapturedLogs("io.helidon")) {
            InMemoryArtifactStore artifacts =
                    (InMemoryArtifactStore) server.orchestrator().artifacts();
            int stored = artifacts.size();
            String[] heads = {
                "POST /v1/artifacts HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Length: 1000000\r\n\r\n",
                "POST /run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                        + "{\"runners\":"
            };
            for (String head : heads) {
                try (Socket socket =
                        new Socket(server.uri().getHost(), server.uri().getPort())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(head.getBytes(StandardCharsets.US_ASCII));
                    out.write(new byte[100]);
                    out.flush();
                    socket.shutdownOutput(); // the rest of the body never comes
                    InputStream in = socket.getInputStream();
                    in.readAllBytes();
                }
            }
            String metrics = new Http(server.uri()).get("/metrics").send().text();
            assertThat(metrics)
                    .contains(
                            "cairn_http_server_requests_seconds_count{method=\"POST\",route=\"/v1/artifacts\",status=\"499\"} 1")
                    .contains(
                            "cairn_http_server_requests_seconds_count{method=\"POST\",route=\"/run\",status=\"499\"} 1");
            assertThat(artifacts.size()).isEqualTo(stored);
            assertThat(cairn.atLeast(Level.INFO)).isEmpty();
            assertThat(helidon.atLeast(Level.WARN)).isEmpty();
        }
    }
}
