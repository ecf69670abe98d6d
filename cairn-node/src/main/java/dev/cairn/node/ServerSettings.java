package dev.cairn.node;

import dev.cairn.server.ServerOptions;
import java.util.Objects;

/**
 * Where a node serves HTTP: {@code bindAddress:port} ({@code 127.0.0.1:8420} by default; port 0
 * picks a free one). Binding beyond loopback, or {@code requireAuth}, makes bearer tokens mandatory:
 * the server then refuses to start until a token exists in the home ({@code cairn token create}).
 */
public record ServerSettings(String bindAddress, int port, boolean requireAuth) {

    public ServerSettings {
        Objects.requireNonNull(bindAddress, "bind_address");
        if (bindAddress.isBlank()) {
            throw new IllegalArgumentException("bind_address must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
    }

    /** Loopback on the default port, tokens optional. */
    public static ServerSettings defaults() {
        return new ServerSettings(ServerOptions.DEFAULT_BIND_ADDRESS, ServerOptions.DEFAULT_PORT, false);
    }

    /** Loopback on a free port (tests). */
    public static ServerSettings loopbackAnyPort() {
        return new ServerSettings(ServerOptions.DEFAULT_BIND_ADDRESS, 0, false);
    }

    /**
     * Reads {@code HOST:PORT}, {@code HOST} (default port), {@code :PORT} (loopback) or {@code
     * [v6-address]:PORT}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ServerSettings parse(String text) {
        Objects.requireNonNull(text, "bind");
        String host;
        String port;
        String t = text.strip();
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("`" + text + "`: an IPv6 address needs its closing ]");
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("`" + text + "`: expected :PORT after the address");
            }
            port = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon >= 0 && t.indexOf(':') != colon) {
                throw new IllegalArgumentException("`" + text + "`: write an IPv6 address as [ADDRESS]:PORT");
            }
            host = colon < 0 ? t : t.substring(0, colon);
            port = colon < 0 ? "" : t.substring(colon + 1);
        }
        if (host.isEmpty()) {
            host = ServerOptions.DEFAULT_BIND_ADDRESS;
        }
        int number = ServerOptions.DEFAULT_PORT;
        if (!port.isEmpty()) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("`" + text + "`: the port `" + port + "` is not a number", e);
            }
            if (number < 0 || number > 65_535) {
                throw new IllegalArgumentException("`" + text + "`: the port must be 0..65535");
            }
        }
        return new ServerSettings(host, number, false);
    }

    /** The same, with tokens required on loopback too. */
    public ServerSettings withRequireAuth(boolean value) {
        return new ServerSettings(bindAddress, port, value);
    }
}
