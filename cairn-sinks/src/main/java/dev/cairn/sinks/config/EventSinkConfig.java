package dev.cairn.sinks.config;

import dev.cairn.sinks.SinkException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One configured event sink: its name (the key of its cursor), where it sends events, which types
 * it receives and, for a server sink seen for the first time, where its cursor starts.
 *
 * @param name the sink's name: lowercase letters, digits, {@code _} and {@code -}, at most 63
 * @param target where events go
 * @param types which event types it receives
 * @param from where a new server sink starts (ignored for per-run sinks)
 */
public record EventSinkConfig(String name, SinkTarget target, TypeFilter types, StartFrom from) {

    /** The syntax of sink names. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    public EventSinkConfig {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw SinkException.invalidConfig(
                    "/name", "\"" + name + "\" is not a sink name: use lowercase letters, digits, '_' and '-'");
        }
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(types, "types");
        Objects.requireNonNull(from, "from");
    }

    /** A sink receiving every type from the beginning of the log. */
    public static EventSinkConfig of(String name, SinkTarget target) {
        return new EventSinkConfig(name, target, TypeFilter.ALL, StartFrom.BEGINNING);
    }
}
