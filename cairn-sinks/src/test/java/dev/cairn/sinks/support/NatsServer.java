package dev.cairn.sinks.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code nats-server -js} (the Debian package), started on a free port with its JetStream
 * store in a temp directory, and stopped (or restarted on the same port and store) by the test.
 */
public final class NatsServer implements AutoCloseable {

    private final Path storeDir;
    private final Path logFile;
    private final int port;
    private Process process;

    private NatsServer(Path storeDir, int port) {
        this.storeDir = storeDir;
        this.logFile = storeDir.resolveSibling(storeDir.getFileName() + ".log");
        this.port = port;
    }

    /** The nats-server executable, or null when it is not installed. */
    public static String executable() {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/bin")) {
            if (Files.isExecutable(Path.of(dir, "nats-server"))) {
                return dir + "/nats-server";
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(":")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nats-server"))) {
                    return Path.of(dir, "nats-server").toString();
                }
            }
        }
        return null;
    }

    /** Starts a server with JetStream on a free port, storing under {@code storeDir}. */
    public static NatsServer start(Path storeDir) throws IOException {
        Files.createDirectories(storeDir);
        NatsServer server = new NatsServer(storeDir, freePort());
        server.startProcess();
        return server;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Stops the server (SIGTERM, then SIGKILL) and waits until its port is closed. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Starts the server again on the same port with the same store. */
    public void restart() throws IOException {
        stop();
        startProcess();
    }

    private void startProcess() throws IOException {
        String exe = executable();
        if (exe == null) {
            throw new IOException("nats-server is not installed (apt-get install nats-server)");
        }
        List<String> command = new ArrayList<>(
                List.of(exe, "-js", "-a", "127.0.0.1", "-p", Integer.toString(port), "-sd", storeDir.toString()));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("nats-server exited with " + process.exitValue() + ": " + log());
            }
            if (Files.exists(logFile) && log().contains("Server is ready") && accepts()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting nats-server", e);
            }
        }
        stop();
        throw new IOException("nats-server did not become ready: " + log());
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String log() throws IOException {
        return Files.exists(logFile) ? Files.readString(logFile) : "";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
