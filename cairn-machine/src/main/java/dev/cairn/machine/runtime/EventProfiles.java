package dev.cairn.machine.runtime;

import dev.cairn.machine.config.EventProfile;
import dev.cairn.machine.errors.RunException;
import java.util.Map;

/** The built-in event profiles as filters, and the resolution of a run's {@link EventProfile}. */
final class EventProfiles {

    /** Minimal: only {@link EventClass#REQUIRED} events (which filters are never asked about). */
    static final EventFilter MINIMAL = (event, eventClass) -> false;
    /** Normal: required and operation events. */
    static final EventFilter NORMAL = (event, eventClass) -> eventClass == EventClass.OPERATION;
    /** Verbose: everything, including the engine's diagnostics. */
    static final EventFilter VERBOSE = (event, eventClass) -> true;

    private EventProfiles() {}

    static EventFilter resolve(EventProfile profile, Map<String, EventFilter> custom) {
        return switch (profile) {
            case EventProfile.Minimal m -> MINIMAL;
            case EventProfile.Normal n -> NORMAL;
            case EventProfile.Verbose v -> VERBOSE;
            case EventProfile.Custom c -> {
                EventFilter filter = custom.get(c.value());
                if (filter == null) {
                    throw RunException.invalidPlan(
                            KernelCodes.UNKNOWN_EVENT_PROFILE,
                            "event profile Custom(`" + c.value() + "`) is not registered with this engine (registered: "
                                    + custom.keySet() + ")");
                }
                yield filter;
            }
        };
    }

    /** Whether diagnostic events are worth building for {@code filter}. */
    static boolean mayKeepDiagnostics(EventFilter filter) {
        return filter != MINIMAL && filter != NORMAL;
    }
}
