package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Optional;

/**
 * Resource limits of a cell's command ({@code spec.run.limits}): memory ceiling in bytes, CPU
 * bandwidth ({@link RunCpuMax}, cgroup v2 {@code cpu.max}), and how long the command gets between
 * a termination signal and a kill. Absent means the backend's own default, not unlimited by
 * intent. Wire form: camelCase ({@code memoryMaxBytes}, {@code cpuMax}, {@code
 * gracefulShutdownSeconds}).
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record RunLimits(
        Optional<Long> memoryMaxBytes, Optional<RunCpuMax> cpuMax, Optional<Long> gracefulShutdownSeconds) {

    public RunLimits {
        Checks.unsigned(memoryMaxBytes, "spec.run.limits.memoryMaxBytes");
        Checks.optional(cpuMax, "spec.run.limits.cpuMax");
        Checks.unsigned(gracefulShutdownSeconds, "spec.run.limits.gracefulShutdownSeconds");
    }
}
