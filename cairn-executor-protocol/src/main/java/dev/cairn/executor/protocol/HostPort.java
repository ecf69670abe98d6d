package dev.cairn.executor.protocol;

import dev.cairn.json.wire.Transparent;
import dev.cairn.json.wire.WirePattern;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A network destination a step may reach: {@code host:port}, where host is a DNS name, an IPv4
 * address or a bracketed IPv6 address, and port is 1 to 65535. On the wire it is the bare string,
 * e.g. {@code "registry.npmjs.org:443"} or {@code "[::1]:8080"}.
 */
@Transparent
public record HostPort(@WirePattern(PATTERN) String value) {

    /** The syntax of a {@code host:port}. */
    public static final String PATTERN = "^(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)"
            + ":(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})$";

    private static final Pattern RE = Pattern.compile(PATTERN);

    public HostPort {
        Objects.requireNonNull(value, "host_port");
        if (!RE.matcher(value).matches()) {
            throw ExecutorProtocolException.invalidNetworkGrant(
                    "`" + value + "` is not host:port with a port in 1..65535");
        }
    }

    /** The host part, without brackets for IPv6. */
    public String host() {
        String host = value.substring(0, value.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port. */
    public int port() {
        return Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
    }

    @Override
    public String toString() {
        return value;
    }
}
