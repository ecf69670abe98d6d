package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Optional;

/**
 * One granted network destination: a host name or address, a port (1–65535) and optionally a
 * protocol ({@code tcp}, {@code udp}; a backend treats absent as {@code tcp}). Wire form: camelCase.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record EgressRule(String host, int port, Optional<String> protocol) {

    public EgressRule {
        Checks.nonBlank(host, "egressRules[].host");
        if (port < 1 || port > 65535) {
            throw CellException.invalidSpec("egress port must be in 1..65535, got " + port + " for " + host);
        }
        Checks.optional(protocol, "egressRules[].protocol");
    }
}
