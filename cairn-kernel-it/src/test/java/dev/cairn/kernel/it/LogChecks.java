package dev.cairn.kernel.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.events.EventEnvelope;
import dev.cairn.machine.ids.ArtifactId;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** What the crash tests read out of a log. */
final class LogChecks {

    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{64}");

    private LogChecks() {}

    /**
     * Every artifact id an event mentions: each 64-hex string in its wire form (manifest, snapshots,
     * fact payloads).
     */
    static Set<ArtifactId> references(EventEnvelope envelope) {
        Set<ArtifactId> out = new HashSet<>();
        collect(Wire.toTree(envelope.event()), out);
        return out;
    }

    private static void collect(JsonNode node, Set<ArtifactId> out) {
        if (node.isTextual() && HEX_ID.matcher(node.textValue()).matches()) {
            out.add(new ArtifactId(node.textValue()));
        }
        node.forEach(child -> collect(child, out));
    }
}
