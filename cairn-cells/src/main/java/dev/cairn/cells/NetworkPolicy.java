package dev.cairn.cells;

import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/** What network a cell may use. Only the sandbox profile enforces it (see {@link CellHandle#notes()}). */
public sealed interface NetworkPolicy {

    /** No network: the cell has its own network namespace with only a loopback interface. */
    record None() implements NetworkPolicy {}

    /** The host's network namespace, unrestricted. */
    record Host() implements NetworkPolicy {}

    /**
     * Only the listed TCP endpoints: the cell has its own loopback-only network namespace, and each grant is
     * relayed to the host by Cairn (see {@link NetworkGrant}). No UDP, no DNS server, nothing else.
     */
    record Granted(List<NetworkGrant> grants) implements NetworkPolicy {
        public Granted {
            Objects.requireNonNull(grants, "grants");
            if (grants.isEmpty()) {
                throw CellsException.specInvalid("network", "a granted network policy needs at least one grant");
            }
            grants = List.copyOf(new TreeSet<>(grants));
        }
    }

    /** A short plain-language description. */
    default String describe() {
        return switch (this) {
            case None n -> "none (loopback only)";
            case Host h -> "host network";
            case Granted g -> "granted " + g.grants();
        };
    }

    /** No network. */
    static NetworkPolicy none() {
        return new None();
    }

    /** The host network. */
    static NetworkPolicy host() {
        return new Host();
    }

    /** Only the given endpoints. */
    static NetworkPolicy granted(List<NetworkGrant> grants) {
        return new Granted(grants);
    }

    /** Only the given endpoints, each {@code host:port}. */
    static NetworkPolicy granted(String... grants) {
        return new Granted(
                java.util.Arrays.stream(grants).map(NetworkGrant::parse).toList());
    }
}
