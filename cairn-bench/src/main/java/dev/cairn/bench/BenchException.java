package dev.cairn.bench;

import dev.cairn.json.CodedException;
import java.util.List;

/** Root exception of {@code cairn-bench}: an unknown workload or unusable settings. */
public class BenchException extends CodedException {

    public BenchException(String code, String message, String hint) {
        super(code, message, false, hint, null);
    }

    /** No workload has this name. */
    public static BenchException unknownWorkload(String name, List<String> known) {
        return new BenchException(
                "unknown_workload",
                "no workload named `" + name + "`; known: " + String.join(", ", known),
                "List them with `cairn bench list`.");
    }

    /** Two registered workloads share a name. */
    public static BenchException duplicateWorkload(String name) {
        return new BenchException(
                "duplicate_workload",
                "two workloads are registered as `" + name + "`",
                "Rename one of them; names must be unique.");
    }

    /** Settings out of range. */
    public static BenchException invalidSettings(String message) {
        return new BenchException("invalid_settings", message, "See `cairn bench --help` for the options.");
    }

    /** A workload's own self-check failed: it would measure the wrong thing. */
    public static BenchException selfCheckFailed(String workload, String message) {
        return new BenchException(
                "bench_self_check_failed",
                "workload " + workload + ": " + message,
                "The code under measurement gives wrong results; fix that before measuring it.");
    }
}
