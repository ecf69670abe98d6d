package dev.cairn.machine.time;

/** The kernel's source of wall-clock time, in milliseconds since the Unix epoch. */
@FunctionalInterface
public interface Clock {

    long nowMillis();

    /** The host's clock. */
    static Clock system() {
        return System::currentTimeMillis;
    }
}
