package dev.cairn.cells;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A TCP server on the host that answers each line with {@code pong:<line>}, counting connections. */
final class EchoServer implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();

    EchoServer(InetAddress address, int port) throws IOException {
        server = new ServerSocket(port, 50, address);
        Thread.ofVirtual().start(this::serve);
    }

    static EchoServer loopback() throws IOException {
        return new EchoServer(InetAddress.getLoopbackAddress(), 0);
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> answer(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answer(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            String line;
            while ((line = in.readLine()) != null) {
                out.write(("pong:" + line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
