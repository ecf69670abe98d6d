package dev.cairn.cells;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host side of granted network endpoints: one Unix socket per grant, bound into the sandbox, whose every
 * connection is relayed to that grant's {@code host:port} and nowhere else. The in-cell connector (perl)
 * listens on the grant's in-cell TCP address and connects to the socket.
 */
final class GrantRelay implements AutoCloseable {

    /** One grant and the Unix socket that serves it. */
    record Endpoint(NetworkGrant grant, Path socket) {}

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final List<ServerSocketChannel> servers = new ArrayList<>();
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger relayed = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean closed;

    /** Binds every endpoint's socket; the caller fixes ownership of the socket files. */
    GrantRelay(List<Endpoint> endpoints) throws IOException {
        try {
            for (Endpoint e : endpoints) {
                ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                servers.add(server);
                server.bind(UnixDomainSocketAddress.of(e.socket()));
                Thread.ofVirtual().name("cairn-grant-" + e.grant()).start(() -> accept(server, e.grant()));
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    int relayed() {
        return relayed.get();
    }

    int refused() {
        return refused.get();
    }

    private void accept(ServerSocketChannel server, NetworkGrant grant) {
        while (!closed) {
            SocketChannel inner;
            try {
                inner = server.accept();
            } catch (IOException e) {
                return;
            }
            open.add(inner);
            Thread.ofVirtual().start(() -> relay(inner, grant));
        }
    }

    private void relay(SocketChannel inner, NetworkGrant grant) {
        SocketChannel outer = null;
        try {
            outer = SocketChannel.open();
            open.add(outer);
            outer.socket().connect(new InetSocketAddress(grant.host(), grant.port()), CONNECT_TIMEOUT_MILLIS);
            relayed.incrementAndGet();
            SocketChannel up = outer;
            Thread upstream = Thread.ofVirtual().start(() -> pump(inner, up));
            pump(outer, inner);
            upstream.join();
        } catch (IOException e) {
            refused.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(inner);
            closeQuietly(outer);
        }
    }

    private void pump(SocketChannel from, SocketChannel to) {
        ByteBuffer buf = ByteBuffer.allocate(32 * 1024);
        try {
            while (from.read(buf) >= 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    to.write(buf);
                }
                buf.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(SocketChannel c) {
        if (c != null) {
            open.remove(c);
            try {
                c.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocketChannel s : servers) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
        for (SocketChannel c : List.copyOf(open)) {
            closeQuietly(c);
        }
    }
}
