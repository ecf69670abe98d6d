package dev.cairn.sinks.config;

import dev.cairn.sinks.SinkException;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code events} section of a server's configuration: the authority of event sources and the
 * server's sinks, which receive the events of every run.
 *
 * @param source the authority in {@code cairn://<authority>/runs/<runId>}; when empty, the one
 *     recorded in the database, else the host name (then recorded)
 * @param sinks the sinks, names unique
 */
public record EventsConfig(Optional<String> source, List<EventSinkConfig> sinks) {

    /** No sinks, default source. */
    public static final EventsConfig NONE = new EventsConfig(Optional.empty(), List.of());

    public EventsConfig {
        Objects.requireNonNull(source, "source");
        sinks = List.copyOf(Objects.requireNonNull(sinks, "sinks"));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sinks.size(); i++) {
            if (!names.add(sinks.get(i).name())) {
                throw SinkException.invalidConfig(
                        "/sinks/" + i + "/name",
                        "the sink name \"" + sinks.get(i).name() + "\" is used twice");
            }
        }
    }
}
