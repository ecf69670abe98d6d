package dev.cairn.sinks.delivery;

import dev.cairn.sinks.config.EventSinkConfig;
import dev.cairn.sinks.config.StartFrom;
import dev.cairn.sinks.config.TypeFilter;
import java.util.Objects;

/**
 * A server sink handed to {@link EventRelay#register}: its name (the key of its cursor), the sink,
 * which types it receives, and where its cursor starts the first time the name is seen. The relay
 * owns the sink from then on and closes it.
 *
 * @param name the sink's name ({@link EventSinkConfig#NAME})
 * @param sink the transport
 * @param types which event types it receives
 * @param from where a new cursor starts
 */
public record SinkRegistration(String name, DeliverySink sink, TypeFilter types, StartFrom from) {

    public SinkRegistration {
        Objects.requireNonNull(name, "name");
        if (!EventSinkConfig.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("sink names are lowercase letters, digits, '_' and '-', got " + name);
        }
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(types, "types");
        Objects.requireNonNull(from, "from");
    }

    /** A sink receiving every event from the beginning of the log. */
    public static SinkRegistration of(String name, DeliverySink sink) {
        return new SinkRegistration(name, sink, TypeFilter.ALL, StartFrom.BEGINNING);
    }
}
