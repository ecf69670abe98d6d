package dev.cairn.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code nats-server -js} started for a workload: on a free loopback port, its JetStream store
 * in a directory of the workload's, stopped on {@link #close()}.
 */
final class NatsProcess implements AutoCloseable {

    private final Process process;
    private final int port;

    private NatsProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The {@code nats-server} on the PATH (or in /usr/sbin, where Debian puts it), if any. */
    static Optional<Path> executable() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nats-server"))) {
                return Optional.of(Path.of(dir, "nats-server"));
            }
        }
        return Optional.empty();
    }

    static NatsProcess start(Path executable, Path storeDir) throws IOException {
        Files.createDirectories(storeDir);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path log = storeDir.resolveSibling("nats-server.log");
        Process process = new ProcessBuilder(
                        executable.toString(),
                        "-js",
                        "-a",
                        "127.0.0.1",
                        "-p",
                        Integer.toString(port),
                        "-sd",
                        storeDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        NatsProcess nats = new NatsProcess(process, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nats-server exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            if (Files.readString(log).contains("Server is ready") && nats.accepts()) {
                return nats;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                nats.close();
                throw new IOException("interrupted while starting nats-server", e);
            }
        }
        nats.close();
        throw new IOException("nats-server did not become ready: " + Files.readString(log));
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
