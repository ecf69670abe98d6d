package dev.cairn.cell.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.cairn.json.wire.WireDefault;
import java.util.List;

/**
 * What a cell may reach: the network destinations it may connect to ({@code egressRules}; none
 * means no network at all) and the secrets it may resolve ({@code secretRefs}, keys for the {@link
 * SecretBroker}). Both default to empty. Wire form: camelCase.
 */
@JsonNaming(PropertyNamingStrategies.LowerCamelCaseStrategy.class)
public record AuthorityBundle(@WireDefault List<EgressRule> egressRules, @WireDefault List<String> secretRefs) {

    public AuthorityBundle {
        egressRules = Checks.list(egressRules, "spec.authority.egressRules");
        secretRefs = Checks.list(secretRefs, "spec.authority.secretRefs");
        for (String ref : secretRefs) {
            Checks.nonBlank(ref, "spec.authority.secretRefs[]");
        }
    }

    /** No network, no secrets. */
    public static AuthorityBundle none() {
        return new AuthorityBundle(List.of(), List.of());
    }

    /** Whether any network egress is granted. */
    public boolean networkGranted() {
        return !egressRules.isEmpty();
    }
}
