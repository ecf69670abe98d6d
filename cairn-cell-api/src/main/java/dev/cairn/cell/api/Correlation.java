package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Optional;

/**
 * Ties a cell to the operator's own records: {@code correlationId} is propagated into lifecycle
 * events (a {@link SecretBroker#brokerCorrelationId() broker's} id is used when it is absent).
 * Wire form: {@code {"correlationId":"…"}}.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record Correlation(Optional<String> correlationId) {

    public Correlation {
        Checks.optional(correlationId, "spec.correlation.correlationId");
    }
}
