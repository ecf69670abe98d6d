package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.server.fixture.FixtureServer;
import org.junit.jupiter.api.Test;

/**
 * The server's connections have Nagle's algorithm off. Helidon leaves it on, and writes an answer of
 * more than a few KiB in more than one send: the last part then waited for the client's delayed ACK,
 * 44 ms for every 10 KiB answer on loopback (a lease batch of a few leases, a run's detail). The
 * effect is a matter of time, measured by {@code cairn bench tasks} (docs/benchmarks.md); this checks
 * the setting that removes it.
 */
class SocketOptionsTest {

    @Test
    void acceptedConnectionsSendWithoutWaitingForTheClientsAck() {
        try (FixtureServer server = FixtureServer.start()) {
            assertThat(server.server().connectionOptions().tcpNoDelay()).isTrue();
        }
    }
}
