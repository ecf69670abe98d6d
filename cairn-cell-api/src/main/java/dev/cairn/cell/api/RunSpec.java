package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cairn.json.wire.WireDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command a cell runs ({@code spec.run}): {@code argv} (program first, no shell), the
 * environment it gets (the cell starts from an empty environment; secrets come from {@link
 * AuthorityBundle#secretRefs()}, never from here), its working directory, a wall-clock timeout in
 * milliseconds, and resource limits.
 *
 * <p>Wire form: camelCase ({@code argv}, {@code env}, {@code workingDirectory}, {@code timeoutMs},
 * {@code limits}); {@code env} defaults to empty and is written sorted by name.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record RunSpec(
        List<String> argv,
        @WireDefault Map<String, String> env,
        Optional<String> workingDirectory,
        Optional<Long> timeoutMs,
        Optional<RunLimits> limits) {

    public RunSpec {
        argv = Checks.list(Checks.required(argv, "spec.run.argv"), "spec.run.argv");
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            throw CellException.invalidSpec("spec.run.argv must name a program (argv[0] non-empty)");
        }
        for (String arg : argv) {
            if (arg.indexOf('\0') >= 0) {
                throw CellException.invalidSpec("spec.run.argv elements must not contain NUL");
            }
        }
        env = Checks.sortedMap(env, "spec.run.env");
        env.forEach((name, value) -> {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw CellException.invalidSpec(
                        "spec.run.env names must be non-empty without `=` or NUL, values without NUL: " + name);
            }
        });
        Checks.optional(workingDirectory, "spec.run.workingDirectory");
        Checks.unsigned(timeoutMs, "spec.run.timeoutMs");
        Checks.optional(limits, "spec.run.limits");
    }

    /** A command with no environment, working directory, timeout or limits. */
    public static RunSpec of(List<String> argv) {
        return new RunSpec(argv, Map.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
