package dev.cairn.e2e;

import dev.cairn.node.CairnNode;
import dev.cairn.node.NodeOptions;
import dev.cairn.node.ServerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The server JVM of the end-to-end tests: {@code cairn server} as {@link CairnNode} opens it, but with
 * the lease tuning the tests need ({@code cairn server} has no option for it), so that an expired
 * lease or a cancel shows within seconds.
 *
 * <p>{@code NodeMain HOME HOST:PORT LEASE_TTL_MS RUNNER(true|false)}; prints {@code {"url":"..."}} once
 * it listens, and closes the node on SIGTERM.
 */
public final class NodeMain {

    private NodeMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path home = Path.of(args[0]);
        ServerSettings server = ServerSettings.parse(args[1]);
        Duration ttl = Duration.ofMillis(Long.parseLong(args[2]));
        boolean runner = Boolean.parseBoolean(args[3]);
        CairnNode node = CairnNode.open(NodeOptions.builder()
                .home(home)
                .server(server)
                .runner(runner)
                .orchestrator(o -> o.leaseTtl(ttl).sweepInterval(Duration.ofMillis(Math.min(1000, ttl.toMillis() / 4))))
                .build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            try {
                node.close();
            } finally {
                stopped.countDown();
            }
        }));
        System.out.println("{\"url\":\"" + node.serverUri().orElseThrow() + "\"}");
        System.out.flush();
        stopped.await();
    }
}
