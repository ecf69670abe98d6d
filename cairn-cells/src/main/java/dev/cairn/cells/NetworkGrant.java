package dev.cairn.cells;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One TCP endpoint a cell may reach: {@code host:port}.
 *
 * <p>{@code host} is a DNS name, {@code localhost}, or an IPv4 loopback literal ({@code 127.x.y.z}). Inside a
 * sandbox the grant is reachable at the same {@code host:port}: names resolve (through the cell's own {@code
 * /etc/hosts}) to an in-cell loopback address where a connector listens and relays to the host, which
 * resolves and connects to the real endpoint. Other IP literals are refused because the cell could not reach
 * them under the same address.
 */
public record NetworkGrant(String host, int port) implements Comparable<NetworkGrant> {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    public NetworkGrant {
        Objects.requireNonNull(host, "host");
        host = host.toLowerCase(Locale.ROOT);
        if (port < 1 || port > 65535) {
            throw CellsException.specInvalid("network", "port " + port + " of grant '" + host + "' is not in 1..65535");
        }
        if (IPV4.matcher(host).matches()) {
            if (!isLoopbackLiteral(host)) {
                throw CellsException.specInvalid(
                        "network",
                        "grant '" + host + ":" + port + "' names a non-loopback IP address; grant a host name instead"
                                + " (the cell reaches grants through in-cell loopback addresses)");
            }
        } else if (!validName(host)) {
            throw CellsException.specInvalid(
                    "network", "grant host '" + host + "' is neither a DNS name nor an IPv4 loopback literal");
        }
    }

    /** Parses {@code host:port}. */
    public static NetworkGrant parse(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw CellsException.specInvalid("network", "grant '" + text + "' is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw CellsException.specInvalid("network", "grant '" + text + "' has a non-numeric port");
        }
        return new NetworkGrant(text.substring(0, colon), port);
    }

    /** Whether the host is {@code localhost} or a {@code 127.0.0.0/8} literal. */
    public boolean loopback() {
        return host.equals("localhost") || isLoopbackLiteral(host);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }

    @Override
    public int compareTo(NetworkGrant o) {
        int c = host.compareTo(o.host);
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    private static boolean isLoopbackLiteral(String host) {
        if (!IPV4.matcher(host).matches()) {
            return false;
        }
        String[] parts = host.split("\\.");
        for (String p : parts) {
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return parts[0].equals("127");
    }

    private static boolean validName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
