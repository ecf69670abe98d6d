package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cairn.json.wire.WireDefault;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code spec} of an {@link ExecutionCellDocument}.
 *
 * <p>{@code id} names the cell; it becomes part of cgroup, directory and event names, so it is
 * limited to 1–128 characters of {@code [A-Za-z0-9._-]}, starting with a letter or digit. {@code
 * authority} absent means no authority at all: no network, no secrets. {@code run} absent means
 * the cell runs nothing of its own (a backend may still host a workload). Wire form: camelCase.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record ExecutionCellSpec(
        String id,
        Optional<Correlation> correlation,
        @WireDefault AuthorityBundle authority,
        Optional<RunSpec> run,
        Optional<ExportSpec> export,
        Optional<Lifetime> lifetime) {

    private static final Pattern CELL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public ExecutionCellSpec {
        Checks.required(id, "spec.id");
        if (!CELL_ID.matcher(id).matches()) {
            throw CellException.invalidSpec(
                    "spec.id must be 1-128 characters of [A-Za-z0-9._-] starting with a letter or digit, got " + id);
        }
        Checks.optional(correlation, "spec.correlation");
        authority = authority == null ? AuthorityBundle.none() : authority;
        Checks.optional(run, "spec.run");
        Checks.optional(export, "spec.export");
        Checks.optional(lifetime, "spec.lifetime");
    }

    /** A cell {@code id} that runs {@code run}, with no authority, export, correlation or lifetime. */
    public static ExecutionCellSpec of(String id, RunSpec run) {
        return new ExecutionCellSpec(
                id, Optional.empty(), AuthorityBundle.none(), Optional.of(run), Optional.empty(), Optional.empty());
    }

    /** The correlation id the operator supplied ({@code spec.correlation.correlationId}), if any. */
    public Optional<String> correlationId() {
        return correlation.flatMap(Correlation::correlationId);
    }
}
