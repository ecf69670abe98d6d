package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Optional;

/**
 * CPU bandwidth as cgroup v2 {@code cpu.max}: {@code quotaMicros} of CPU time per {@code
 * periodMicros} (100000 when absent). Wire form: camelCase.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record RunCpuMax(long quotaMicros, Optional<Long> periodMicros) {

    /** The period a runtime uses when the spec leaves it out, as the kernel's default. */
    public static final long DEFAULT_PERIOD_MICROS = 100_000L;

    public RunCpuMax {
        if (quotaMicros < 1) {
            throw CellException.invalidSpec("spec.run.limits.cpuMax.quotaMicros must be positive, got " + quotaMicros);
        }
        Checks.required(periodMicros, "spec.run.limits.cpuMax.periodMicros").ifPresent(p -> {
            if (p < 1) {
                throw CellException.invalidSpec("spec.run.limits.cpuMax.periodMicros must be positive, got " + p);
            }
        });
    }
}
