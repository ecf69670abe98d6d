package dev.cairn.runner.api;

/** Severity of a {@link ControlPlane#log(LogLevel, String) log} event; lowercase on the wire. */
public enum LogLevel {
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR;

    /** The lowercase name written in log events, e.g. {@code warn}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
