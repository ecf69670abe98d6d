package dev.cairn.orchestrator.spec;

import java.util.Locale;

/** The type of a pipeline param. In a spec: {@code string}, {@code number}, {@code boolean}. */
public enum ParamType {
    /** Any text. */
    STRING,
    /** A finite decimal number, written as JSON writes numbers ({@code 3}, {@code -0.5}, {@code 1e3}). */
    NUMBER,
    /** {@code true} or {@code false}. */
    BOOLEAN;

    /** The word a spec uses for this type. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
