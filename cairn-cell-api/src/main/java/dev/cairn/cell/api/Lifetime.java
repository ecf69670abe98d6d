package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How long a cell may live, in seconds ({@code spec.lifetime.ttlSeconds}); also the TTL its
 * secrets are resolved with. Wire form: {@code {"ttlSeconds":600}}.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record Lifetime(long ttlSeconds) {

    public Lifetime {
        if (ttlSeconds < 1) {
            throw CellException.invalidSpec("spec.lifetime.ttlSeconds must be positive, got " + ttlSeconds);
        }
    }
}
