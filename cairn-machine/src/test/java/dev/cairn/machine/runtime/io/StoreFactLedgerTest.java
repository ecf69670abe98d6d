package dev.cairn.machine.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.json.ArtifactIds;
import dev.cairn.json.StrictJson;
import dev.cairn.json.wire.Wire;
import dev.cairn.machine.events.DomainEvent;
import dev.cairn.machine.events.FactRecorded;
import dev.cairn.machine.ids.ArtifactId;
import dev.cairn.machine.ids.FactKey;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ledger's own {@code fact_recorded} event is the one {@link FactRecorded#toDomainEvent()} builds. */
class StoreFactLedgerTest {

    static final ArtifactId ID = new ArtifactId(ArtifactIds.ofBytes(new byte[] {1, 2, 3}));

    @Test
    void factRecordedEventIsTheRecordsOwn() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode numbers = f.objectNode();
        numbers.put("int", 5);
        numbers.put("long", 5L);
        numbers.put("big_long", 1L << 40);
        numbers.put("short", (short) 3);
        numbers.put("double", 1.5);
        numbers.put("whole_double", 2.0);
        numbers.put("float", 0.25f);
        numbers.put("decimal", new BigDecimal("12.50"));
        numbers.put("big_integer", new BigInteger("123456789012345678901234567890"));
        numbers.putNull("null");
        numbers.putArray("list")
                .add("é \u0001 \"q\"")
                .add(true)
                .addObject()
                .put("z", 1)
                .put("a", 2);
        List<JsonNode> metas = List.of(
                f.objectNode(),
                f.objectNode().put("namespace", "task"),
                f.objectNode().put("kind", "random_bytes"),
                numbers,
                StrictJson.parse("{\"b\":{\"c\":[1,2.5,\"x\"]},\"a\":null}"));
        for (JsonNode meta : metas) {
            FactKey key = new FactKey("cairn:task|state:m.s.x|dispatch:00ff");
            DomainEvent expected = new FactRecorded(key, ID, meta).toDomainEvent();
            DomainEvent actual = StoreFactLedger.factRecorded(key, ID, meta);
            assertThat(actual).as("meta %s", meta).isEqualTo(expected);
            assertThat(Wire.write(actual)).isEqualTo(Wire.write(expected));
        }
    }
}
